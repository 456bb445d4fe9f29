/**
 * The spec, the code registries and the docs name the same things: audit
 * event types, problem types, reason codes, roles and the role matrix, and
 * every operation has a permission and a handler.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_EVENT_TYPES } from '../../gateway/audit/event-types';
import { allProblemTypes } from '../../gateway/admin-api/problems';
import { loadOpenApi, operationsOf } from '../../gateway/admin-api/spec';
import { adminHandlers } from '../../gateway/admin-api/routes';
import { PERMISSIONS, ROLES } from '../../gateway/auth/roles';
import { REASON_CODES, DECISION_OUTCOMES } from '../../connectors/canonical/decision';
import { OUTBOUND_KINDS } from '../../connectors/canonical/outbound-message';
import { CONSENT_PURPOSES } from '../../policies/schema';
import { ARCHIVE_RECORD_TYPES } from '../../gateway/archive/record-types';
import { fakePorts } from './fake-ports';

const doc = loadOpenApi();
const schemas = doc.components.schemas as Record<string, { enum?: unknown[] }>;
const enumOf = (name: string) => [...(schemas[name]?.enum ?? [])].map(String).sort();
const sorted = (values: Iterable<string>) => [...values].sort();

describe('admin API registries', () => {
  it('documents exactly the registered audit event types, and the spec enumerates the same', () => {
    const text = readFileSync(path.join(__dirname, '../../docs/audit-event-types.md'), 'utf8');
    const documented = [...text.matchAll(/^\| `([a-z0-9._]+)` \|/gm)].map((m) => m[1]!);
    expect(sorted(documented)).toEqual(sorted(Object.keys(AUDIT_EVENT_TYPES)));
    expect(enumOf('AuditEventType')).toEqual(sorted(Object.keys(AUDIT_EVENT_TYPES)));
  });

  it('enumerates exactly the problem types the API answers with', () => {
    expect(enumOf('ProblemType')).toEqual(sorted(allProblemTypes()));
  });

  it("enumerates exactly the policy engine's reason codes and decision outcomes", () => {
    expect(enumOf('ReasonCode')).toEqual(sorted(Object.keys(REASON_CODES)));
    expect(enumOf('DecisionOutcome')).toEqual(sorted(DECISION_OUTCOMES));
  });

  it('enumerates exactly the canonical outbound kinds', () => {
    expect(enumOf('OutboundKind')).toEqual(sorted(Object.keys(OUTBOUND_KINDS)));
  });

  it("enumerates exactly the consent ledger's purposes", () => {
    expect(enumOf('ConsentPurpose')).toEqual(sorted(CONSENT_PURPOSES));
  });

  it('names only registered archive record types in what it archives (consent, bindings, rights, alert reviews)', () => {
    for (const type of ['consent.evidence', 'binding.evidence', 'rights.access', 'alert.review', 'wecom.handover']) expect(Object.keys(ARCHIVE_RECORD_TYPES)).toContain(type);
  });

  it('enumerates exactly the roles and permissions of gateway/auth/roles.ts', () => {
    expect(enumOf('Role')).toEqual(sorted(ROLES));
    expect(enumOf('Permission')).toEqual(sorted(Object.keys(PERMISSIONS)));
  });

  it("documents each operation's roles (x-roles) exactly as the role matrix grants its permission", () => {
    const operations = operationsOf(doc);
    expect(operations.length).toBe(22 + 9 /* content library */ + 4 /* RM departure */);
    for (const op of operations) {
      const raw = (doc.paths[op.template] as Record<string, Record<string, unknown>>)[op.method.toLowerCase()]!;
      expect({ op: op.operationId, roles: sorted(raw['x-roles'] as string[]) }).toEqual({ op: op.operationId, roles: sorted(PERMISSIONS[op.permission]) });
    }
  });

  it('audits every operation but whoami', () => {
    const unaudited = operationsOf(doc).filter((op) => op.auditEvent === null).map((op) => op.operationId);
    expect(unaudited).toEqual(['whoami']);
  });

  it('has a handler for every operation of the spec and no other', () => {
    const handlers = adminHandlers({ ports: fakePorts(), audit: { record: jest.fn(), list: jest.fn() }, verifyAudit: jest.fn(), now: Date.now });
    expect(sorted(Object.keys(handlers))).toEqual(sorted(operationsOf(doc).map((op) => op.operationId)));
  });
});
