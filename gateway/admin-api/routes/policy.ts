/** POST /policy/eval: a dry run of the live policy. The request body is audited by hash, the decision by codes. */
import { canonicalHash } from '../../../connectors/canonical/json';
import { AdminError } from '../admin-error';
import type { PolicyEvalPort } from '../ports';
import type { Handler } from '../typed';

/** The policy dry-run handler. */
export function evaluatePolicyHandler(policy: PolicyEvalPort, now: () => number): Handler<'evaluatePolicy'> {
  return async ({ body }) => {
    let bodyHash: string;
    try {
      bodyHash = canonicalHash(body.body);
    } catch {
      // Floats and the like: the classifier would refuse them too, and the audit needs a hash.
      throw new AdminError('invalid', 'the request body holds values outside canonical JSON (e.g. non-integer numbers)');
    }
    const atMs = body.at === undefined ? now() : Date.parse(body.at);
    const decision = await policy.evaluate({ accountId: body.accountId, appId: body.appId, path: body.path, body: body.body, atMs });
    return {
      body: decision,
      audit: {
        target: body.accountId,
        details: { appId: body.appId, path: body.path, bodyHash, outcome: decision.outcome, reasons: decision.reasons.map((r) => r.code), policyVersion: decision.policyVersion },
      },
    };
  };
}
