#!/usr/bin/env python3
"""Differential test: our JSON Schemas (checked with python3-jsonschema) and the C++ validator
(stewardctl validate --json) must reach the same verdict on every manifest of the corpus, and
that verdict must match the file name, in both modes:

- valid-*.json: the schema and stewardctl accept it;
- invalid-*.json: both refuse it (and so, in strict mode, do the strict schema and --strict);
- lenient-*.json: what the v0.1 reference runtime runs though a strict reader would not: the
  schema and stewardctl accept it (with warnings), the strict schema and --strict refuse it.

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
    ap.add_argument("--strict-schema", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--stewardctl", required=True)
    args = ap.parse_args()

    schema = json.loads(pathlib.Path(args.schema).read_text())
    strict_schema = json.loads(pathlib.Path(args.strict_schema).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator.check_schema(strict_schema)
    # The strict schema refers to the lenient one by its $id.
    resolver = jsonschema.RefResolver.from_schema(strict_schema, store={schema["$id"]: schema})
    validators = {
        False: jsonschema.Draft7Validator(schema),
        True: jsonschema.Draft7Validator(strict_schema, resolver=resolver),
    }

    files = sorted(pathlib.Path(args.corpus).glob("*.json"))
    kinds = {k: [f for f in files if f.name.startswith(k + "-")] for k in ("valid", "invalid", "lenient")}
    if len(kinds["valid"]) < 10 or len(kinds["invalid"]) < 20 or len(kinds["lenient"]) < 10:
        print("corpus too small: " + ", ".join(f"{len(v)} {k}" for k, v in kinds.items()))
        return 1
    if sum(len(v) for v in kinds.values()) != len(files):
        print("every corpus file must be named valid-*, invalid-* or lenient-*")
        return 1

    def judge(f, strict):
        schema_errors = [
            "/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message
            for e in validators[strict].iter_errors(json.loads(f.read_text()))
        ]
        argv = [args.stewardctl, "validate", "--json", str(f)] + (["--strict"] if strict else [])
        run = subprocess.run(argv, capture_output=True, text=True, check=False)
        report = json.loads(run.stdout)
        if run.returncode != (0 if report["valid"] else 1):
            return None, schema_errors, report
        return report["valid"], schema_errors, report

    passed = failed = 0
    for f in files:
        kind = f.name.split("-", 1)[0]
        # (strict mode?, expected verdict) pairs this file is judged by.
        checks = {"valid": [(False, True)], "invalid": [(False, False), (True, False)],
                  "lenient": [(False, True), (True, False)]}[kind]
        for strict, expected in checks:
            mode = "strict" if strict else "default"
            cpp_valid, schema_errors, report = judge(f, strict)
            if cpp_valid is None:
                print(f"FAIL {f.name} ({mode}): stewardctl's exit code disagrees with its report")
                failed += 1
                continue
            schema_valid = not schema_errors
            if schema_valid == cpp_valid == expected:
                passed += 1
                continue
            failed += 1
            print(f"FAIL {f.name} ({mode}): expected {'valid' if expected else 'invalid'}, "
                  f"schema says {'valid' if schema_valid else 'invalid'}, "
                  f"stewardctl says {'valid' if cpp_valid else 'invalid'}")
            for e in schema_errors:
                print(f"    schema: {e}")
            for e in report["errors"]:
                print(f"    stewardctl: {e['path']}: {e['message']}")

    print("schema_differential: " + ", ".join(f"{len(v)} {k}" for k, v in kinds.items())
          + " manifests")
    print(f"{passed} checks passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
