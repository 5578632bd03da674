// Validates a SARIF log against the official SARIF 2.1.0 JSON schema (draft-04; the copy shipped in the
// @microsoft/jest-sarif package) with ajv, formats (uri, uri-reference, date-time) checked too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

let validate: ((data: unknown) => boolean) & { errors?: unknown[] | null | undefined };

export function sarifErrors(log: unknown): string[] {
  if (!validate) {
    const file = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as object;
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false }); // the schema's language pattern is not a valid u-mode regex;
    addFormats(ajv);
    validate = ajv.compile(schema);
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => JSON.stringify(e));
}
