/**
 * The OpenAPI document at run time: loaded once, turned into the operation
 * table the router matches requests against. The spec is the one source of
 * paths, parameters, body schemas, permissions and audit event types.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isAuditEventType, type AuditEventType } from '../audit/event-types';
import { isPermission, type Permission } from '../auth/roles';

/** Where the spec lives (beside this module). */
export const OPENAPI_PATH = path.join(__dirname, 'openapi.yaml');

/** The served prefix: the spec's one server URL. */
export const ADMIN_PREFIX = '/admin/v1';

/** The parts of an OpenAPI document this module reads. */
export interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; parameters?: Record<string, ParameterObject> };
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Record<string, unknown>;
  $ref?: string;
}

/** One parameter, its $ref resolved. */
export interface OperationParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Record<string, unknown>;
}

/** One operation as the router needs it. */
export interface OperationSpec {
  operationId: string;
  method: 'GET' | 'POST';
  /** The spec's path template, e.g. /approvals/{messageId}. */
  template: string;
  pattern: RegExp;
  pathParameterNames: string[];
  parameters: OperationParameter[];
  /** The JSON body schema ($ref into components), or null when the operation takes no body. */
  body: { required: boolean; schema: Record<string, unknown> } | null;
  permission: Permission;
  /** The event every call writes; null only for whoami. */
  auditEvent: AuditEventType | null;
  /** `x-max-body-bytes`: a larger body limit for this operation (content library image uploads); null: admin.maxBodyBytes. */
  maxBodyBytes?: number | null;
}

const METHODS = ['get', 'post'] as const;

/** Parse the spec file. */
export function loadOpenApi(file: string = OPENAPI_PATH): OpenApiDocument {
  return parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

/** The operation table of `doc`. @throws Error when an operation lacks x-permission, names an unknown one, or an unregistered x-audit-event */
export function operationsOf(doc: OpenApiDocument): OperationSpec[] {
  if (doc.servers?.[0]?.url !== ADMIN_PREFIX) throw new Error(`the admin spec's server URL must be ${ADMIN_PREFIX}`);
  const operations: OperationSpec[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const shared = ((item.parameters as ParameterObject[] | undefined) ?? []).map((p) => resolveParameter(doc, p));
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const operationId = String(op.operationId);
      const permission = op['x-permission'];
      if (!isPermission(permission)) throw new Error(`${operationId}: x-permission ${String(permission)} is not a permission in gateway/auth/roles.ts`);
      const auditEvent = op['x-audit-event'] ?? null;
      if (auditEvent !== null && !isAuditEventType(auditEvent)) throw new Error(`${operationId}: x-audit-event ${String(auditEvent)} is not registered`);
      const own = ((op.parameters as ParameterObject[] | undefined) ?? []).map((p) => resolveParameter(doc, p));
      const requestBody = op.requestBody as { required?: boolean; content?: Record<string, { schema: Record<string, unknown> }> } | undefined;
      const jsonSchema = requestBody?.content?.['application/json']?.schema;
      const pathParameterNames = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      operations.push({
        operationId,
        method: method.toUpperCase() as 'GET' | 'POST',
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
        pathParameterNames,
        parameters: [...shared, ...own],
        body: jsonSchema ? { required: requestBody?.required ?? false, schema: jsonSchema } : null,
        permission,
        auditEvent,
        maxBodyBytes: typeof op['x-max-body-bytes'] === 'number' ? op['x-max-body-bytes'] : null,
      });
    }
  }
  return operations;
}

function resolveParameter(doc: OpenApiDocument, p: ParameterObject): OperationParameter {
  const resolved = p.$ref ? doc.components.parameters?.[p.$ref.replace('#/components/parameters/', '')] : p;
  if (!resolved) throw new Error(`unresolved parameter ${p.$ref}`);
  if (resolved.in !== 'path' && resolved.in !== 'query') throw new Error(`parameter ${resolved.name}: only path and query parameters are supported`);
  return { name: resolved.name, in: resolved.in, required: resolved.required ?? resolved.in === 'path', schema: resolved.schema };
}
