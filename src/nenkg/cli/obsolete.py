"""``nenkg obsolete ID --replaced-by ID --reason TEXT``: OBO obsoletion in the YAML sources."""

from __future__ import annotations

import argparse
import sys

from .options import add_command


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "obsolete", help="obsolete a NENKG term the OBO way (edits its entry in ontology/src in place)",
        description="Obsolete a NENKG term as OBO principle fp-019 asks, by editing its entry in ontology/src:\n"
                    "'deprecated: true', the label prefixed with 'obsolete ', 'replaced_by:' (IAO:0100001) and\n"
                    "'obsolescence_reason:' (IAO:0000231) written under the label; its logical axioms removed\n"
                    "(subclass_of, equivalent_to, disjoint_with, property axioms, types, also in 'extend' entries);\n"
                    "its exact and close mappings kept as 'consider:', its other cross-references and codes\n"
                    "removed (and listed: move them to the replacement). Only those lines change; comments and\n"
                    "layout stay. The edited sources are compiled before the files are replaced, atomically.\n"
                    "The other terms that still use the obsolete one are listed: `nenkg check` rejects them\n"
                    "(deprecated_class_reference) until they point at the replacement.",
        examples='nenkg obsolete NENKG:0000215 --replaced-by NENKG:0000102 --reason "Merged into the site class."\n'
                 "nenkg check   # then repoint the uses it lists",
        exit_codes="0  obsoleted (uses elsewhere, if any, are listed on stderr)\n"
                   "2  the term or its replacement is unknown, not of the same kind, already obsolete, or\n"
                   "   the sources do not compile; nothing written")
    p.add_argument("id", help="the NENKG term to obsolete (CURIE)")
    p.add_argument("--replaced-by", required=True, metavar="ID", help="the live term that replaces it (CURIE or alias)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is obsolete (IAO:0000231 has obsolescence reason)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..obsolete import obsolete

    r = obsolete(args.root / "ontology" / "src", args.id, args.replaced_by, args.reason)
    print(f"obsoleted {r.curie} '{r.label}', replaced by {r.replaced_by}; edited {', '.join(r.files)}")
    for item in r.removed:
        print(f"  removed {item}")
    if r.consider:
        print(f"  kept as consider: {', '.join(r.consider)}")
    for use in r.uses:
        print(f"nenkg obsolete: still named here (point a use at {r.replaced_by}): {use}", file=sys.stderr)
    return 0
