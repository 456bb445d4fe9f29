/**
 * Request validation against the spec's own schemas (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses). Validators are compiled once per operation at start.
 * Query strings are coerced (limit=20 → 20) and defaulted; bodies are not
 * coerced: a JSON body must already have the right types.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AdminError, type FieldProblem } from './admin-error';
import type { OpenApiDocument, OperationSpec } from './spec';

const SCHEMA_ID = 'https://cgw.dev/schemas/admin-api.json';

/** The validators of one operation. */
export interface OperationValidators {
  /** Validates (and coerces, defaults) path and query parameters together. @throws AdminError validation_failed */
  parameters(input: { path: Record<string, string>; query: Record<string, unknown> }): void;
  /** Validates a parsed JSON body. @throws AdminError validation_failed */
  body(value: unknown): void;
}

/** Compile validators for every operation of `doc`. @throws Error when a schema does not compile */
export function compileValidators(doc: OpenApiDocument, operations: OperationSpec[]): Map<string, OperationValidators> {
  const defs = rewriteRefs(doc.components.schemas) as Record<string, unknown>;
  const make = (coerce: boolean) => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: coerce, useDefaults: coerce ? 'empty' : false });
    addFormats(ajv);
    ajv.addSchema({ $id: SCHEMA_ID, $defs: defs });
    return ajv;
  };
  const forParameters = make(true);
  const forBodies = make(false);
  const out = new Map<string, OperationValidators>();
  for (const op of operations) {
    const group = (where: 'path' | 'query') => {
      const params = op.parameters.filter((p) => p.in === where);
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(params.map((p) => [p.name, rewriteRefs(p.schema)])),
        required: params.filter((p) => p.required).map((p) => p.name),
      };
    };
    const parameters = forParameters.compile({ type: 'object', properties: { path: group('path'), query: group('query') }, required: ['path', 'query'] });
    const body: ValidateFunction | null = op.body ? forBodies.compile(rewriteRefs(op.body.schema) as object) : null;
    out.set(op.operationId, {
      parameters(input) {
        if (!parameters(input)) throw validationFailed(parameters.errors, '');
      },
      body(value) {
        if (body && !body(value)) throw validationFailed(body.errors, '/body');
      },
    });
  }
  return out;
}

/** '#/components/schemas/X' → the shared schema's '$defs/X'; everything else copied as is. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === '$ref' && typeof item === 'string' ? item.replace('#/components/schemas/', `${SCHEMA_ID}#/$defs/`) : rewriteRefs(item)]),
  );
}

/** ajv errors → field problems: where, and what the schema wants; never the offending value. */
function validationFailed(errors: ErrorObject[] | null | undefined, prefix: string): AdminError {
  const problems: FieldProblem[] = (errors ?? []).slice(0, 20).map((e) => {
    let pointer = prefix + e.instancePath;
    if (e.keyword === 'additionalProperties') pointer += `/${String((e.params as { additionalProperty: string }).additionalProperty)}`;
    if (e.keyword === 'required') pointer += `/${String((e.params as { missingProperty: string }).missingProperty)}`;
    const message = e.keyword === 'additionalProperties' ? 'is not a known field' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    return { pointer, message };
  });
  const first = problems[0];
  return new AdminError('validation_failed', first ? `${first.pointer || '/'} ${first.message}` : 'the request is invalid', { errors: problems });
}
