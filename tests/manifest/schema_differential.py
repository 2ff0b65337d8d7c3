#!/usr/bin/env python3
"""Differential test: our JSON Schema (checked with python3-jsonschema) and the C++ validator
(stewardctl validate --json) must reach the same verdict on every manifest of the corpus, and
that verdict must match the file name (valid-*.json / invalid-*.json).

The corpus holds structural cases both can judge. Whole-document rules (unique ids, references,
cycles, template tokens, min <= max) are only the C++ validator's and are tested in Qt Test."""
import argparse
import json
import pathlib
import subprocess
import sys

import jsonschema


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--stewardctl", required=True)
    args = ap.parse_args()

    schema = json.loads(pathlib.Path(args.schema).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    files = sorted(pathlib.Path(args.corpus).glob("*.json"))
    valid_count = sum(f.name.startswith("valid-") for f in files)
    if valid_count < 10 or len(files) - valid_count < 20:
        print(f"corpus too small: {valid_count} valid, {len(files) - valid_count} invalid")
        return 1

    passed = failed = 0
    for f in files:
        expected = f.name.startswith("valid-")
        schema_errors = [
            "/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message
            for e in validator.iter_errors(json.loads(f.read_text()))
        ]
        run = subprocess.run([args.stewardctl, "validate", "--json", str(f)],
                             capture_output=True, text=True, check=False)
        report = json.loads(run.stdout)
        cpp_valid = report["valid"]
        if run.returncode != (0 if cpp_valid else 1):
            print(f"FAIL {f.name}: stewardctl exit code {run.returncode} disagrees with valid={cpp_valid}")
            failed += 1
            continue
        schema_valid = not schema_errors
        if schema_valid == cpp_valid == expected:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {f.name}: expected {'valid' if expected else 'invalid'}, "
              f"schema says {'valid' if schema_valid else 'invalid'}, "
              f"stewardctl says {'valid' if cpp_valid else 'invalid'}")
        for e in schema_errors:
            print(f"    schema: {e}")
        for e in report["errors"]:
            print(f"    stewardctl: {e['path']}: {e['message']}")

    print(f"schema_differential: {len(files)} manifests ({valid_count} valid, {len(files) - valid_count} invalid)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
