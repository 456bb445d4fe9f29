/** Consent notices from configuration, each versioned by the sha256 of its exact text in one language. */
import { createHash } from 'node:crypto';
import type { ConsentConfig, ConsentLanguage } from './config';
import type { ConsentNotice, ConsentNotices, LedgerPurpose } from './ports';

/** The version of a notice text: sha256 hex of its exact UTF-8 bytes. */
export function noticeVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function createNotices(config: Pick<ConsentConfig, 'notices'>): ConsentNotices & { currentVersions(): Map<string, string> } {
  const byLanguage = new Map<ConsentLanguage, ConsentNotice[]>();
  for (const language of ['zh-CN', 'en'] as const) {
    byLanguage.set(language, config.notices.map((n) => ({ purpose: n.purpose, language, title: n.title[language], text: n.text[language], version: noticeVersion(n.text[language]) })));
  }
  const versions = new Map<string, string>();
  for (const list of byLanguage.values()) for (const n of list) versions.set(versionKey(n.purpose, n.language), n.version);
  return {
    list: (language) => byLanguage.get(language) ?? [],
    get: (purpose: LedgerPurpose, language) => byLanguage.get(language)?.find((n) => n.purpose === purpose),
    currentVersions: () => versions,
  };
}

/** Key of `currentVersions()`: purpose and language. */
export function versionKey(purpose: string, language: string): string {
  return `${purpose}|${language}`;
}
