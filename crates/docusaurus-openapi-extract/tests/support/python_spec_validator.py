"""Runs openapi-spec-validator (PyPI) on OpenAPI documents, for the test
that holds the extractor's own validation to it (tests/validator_agreement.rs).

usage: python3 python_spec_validator.py FILE.json...
prints one JSON object: file -> list of the validator's error messages
(empty when the document is valid). Exits 3 when the package is absent.
"""
import json
import sys

try:
    from openapi_spec_validator import OpenAPIV30SpecValidator
except ImportError:
    print("openapi-spec-validator is not installed (pip install openapi-spec-validator)", file=sys.stderr)
    sys.exit(3)


def errors(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    found = []
    for error in OpenAPIV30SpecValidator(doc).iter_errors():
        where = "/".join(str(p) for p in getattr(error, "absolute_path", []) or [])
        message = str(getattr(error, "message", error)).splitlines()[0][:300]
        found.append(f"{where}: {message}" if where else message)
    return found


print(json.dumps({path: errors(path) for path in sys.argv[1:]}, indent=1))
