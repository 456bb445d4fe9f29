/**
 * Supervision of a message that matched an approved content library item
 * (gateway/content-library/): compliance approved the item's text before it
 * was sent, so lexicon findings in texts that are the item's own are dropped.
 * PII findings stay, wherever they are: approval of marketing copy says
 * nothing about personal data in a message. Pure.
 */
import { highestSeverity, type SupervisionResult } from '../../policies/supervise';

/** What supervision needs to know about a pre-approved message (content-matcher.ts PreApprovedMatch). */
export interface PreApproval {
  itemId: string;
  /** Text paths (`text.content`, `link.title`, …) whose text is the approved item's. */
  paths: ReadonlySet<string>;
}

/** `result` without lexicon hits in the approved paths (a lexicon finding left without hits is dropped). */
export function exemptPreApproved(result: SupervisionResult, paths: ReadonlySet<string>): SupervisionResult {
  const findings = result.findings.flatMap((finding) => {
    if (finding.code !== 'supervision.lexicon') return [finding];
    const hits = finding.hits.filter((hit) => !paths.has(hit.path));
    return hits.length === 0 ? [] : [{ ...finding, hits }];
  });
  return { ...result, findings, severity: highestSeverity(findings.map((f) => f.severity)) };
}
