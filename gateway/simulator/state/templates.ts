/**
 * Templates an account has added (template messages, wechat-oa.md §6, and
 * subscription-notice templates, §7) with the data keys each requires, and
 * the users' subscription consents.
 *
 * Consent reading [S]: OA subscription notices are one-time by default — each
 * `accept` in the popup allows one bizsend, which spends it; a long-term grant
 * (service categories Tencent allows) lasts until the user rejects.
 */

export type TemplateKind = 'template' | 'subscribe';

/** Template id → the data keys a send must fill (e.g. `['first', 'keyword1', 'remark']`). */
export type TemplateCatalogue = Readonly<Record<string, readonly string[]>>;

/** Per account: templates and consents. */
export class TemplateRegistry {
  private readonly templates = new Map<string, readonly string[]>();
  private readonly consents = new Map<string, number>();

  /** Add or replace a template. */
  register(appId: string, kind: TemplateKind, templateId: string, dataKeys: readonly string[]): void {
    this.templates.set(`${kind}\u0000${appId}\u0000${templateId}`, [...dataKeys]);
  }

  /** The required data keys, or undefined when the account has no such template. */
  dataKeys(appId: string, kind: TemplateKind, templateId: string): readonly string[] | undefined {
    return this.templates.get(`${kind}\u0000${appId}\u0000${templateId}`);
  }

  /** The user accepted `templateId`: one more send allowed, or unlimited sends when `longTerm`. */
  grant(appId: string, openid: string, templateId: string, longTerm = false): void {
    const key = consentKey(appId, openid, templateId);
    this.consents.set(key, longTerm ? Infinity : (this.consents.get(key) ?? 0) + 1);
  }

  /** The user rejected or revoked `templateId`. */
  revoke(appId: string, openid: string, templateId: string): void {
    this.consents.delete(consentKey(appId, openid, templateId));
  }

  /** Spend one consent; false when the user has none left. */
  consume(appId: string, openid: string, templateId: string): boolean {
    const key = consentKey(appId, openid, templateId);
    const left = this.consents.get(key) ?? 0;
    if (left <= 0) return false;
    this.consents.set(key, left - 1);
    return true;
  }
}

const consentKey = (appId: string, openid: string, templateId: string): string => `${appId}\u0000${openid}\u0000${templateId}`;
