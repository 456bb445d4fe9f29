/**
 * The content library's lifecycle, as commands the admin API calls:
 *
 *   create  → draft (version 1)                    content.item
 *   revise  draft → draft (version + 1)            content.item
 *   submit  draft → submitted                      content.approval
 *   approve submitted → approved                   content.approval   (two-person rule; one approved item per content)
 *   reject  submitted → draft                      content.approval   (note required)
 *   retire  approved → retired                     content.approval   (note required)
 *
 * Every change is an archive record (exclusive: its own transaction) whose
 * effect changes the item row by compare-and-set on its state and version:
 * the record and the change commit together or not at all, and two racing
 * requests leave one change (the other is answered 409 content-item-state).
 * The caller names the version it reviewed; a revision in between makes the
 * decision stale (409).
 */
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { canonicalJson } from '../../connectors/canonical/json';
import { AdminError } from '../admin-api/admin-error';
import type { AuditFacts, ContentItemResult, ContentTransitionRequest, CreateContentItemRequest, ReviseContentItemRequest } from '../admin-api/ports';
import { textHash } from '../admin-api/routes/text-hash';
import type { ArchiveReader } from '../archive/reader';
import type { ArchiveEntry, EffectTransaction } from '../archive/types';
import type { ArchiveWriter } from '../archive/writer';
import type { Actor } from '../auth/actor';
import { CONTENT_FINGERPRINT_ENTITY, CONTENT_ITEM_ENTITY, type ContentFingerprintRow, type ContentItemRow, type ContentItemStatus } from '../db/entities';
import { itemForApi } from './api-shapes';
import type { ContentLibraryConfig } from './config';
import { contentFromRequest, fingerprintOf, type ContentFields, type ItemContent } from './item-content';
import type { ContentItemStore } from './item-store';

/** The archive account of content library records (not a Tencent account). */
export const CONTENT_ACCOUNT = 'content-library';

/** What the commands are built from. */
export interface ItemCommandDeps {
  config: Pick<ContentLibraryConfig, 'twoPersonRule' | 'maxImageBytes' | 'maxTextBytes'>;
  store: ContentItemStore;
  archive: Pick<ArchiveWriter, 'append'>;
  /** Opens the record of an image version (a label-only revision copies its bytes). */
  reader: Pick<ArchiveReader, 'open'>;
  now(): number;
  /** Called after a change committed (the matcher's filter reloads). */
  onChange(): void;
}

export type TransitionAction = 'submit' | 'approve' | 'reject' | 'retire';

/** Which state each transition leaves and enters. */
export const TRANSITIONS: Readonly<Record<TransitionAction, { from: ContentItemStatus; to: ContentItemStatus }>> = {
  submit: { from: 'draft', to: 'submitted' },
  approve: { from: 'submitted', to: 'approved' },
  reject: { from: 'submitted', to: 'draft' },
  retire: { from: 'approved', to: 'retired' },
};

/** The item moved on while the request was prepared (compare-and-set found another state). */
class StateMoved extends Error {
  constructor() {
    super('the content item changed meanwhile');
    this.name = 'StateMoved';
  }
}

/** Another approved item holds the same content. */
class DuplicateContent extends Error {
  constructor(readonly holder: string) {
    super('another approved item has this content');
    this.name = 'DuplicateContent';
  }
}

type Result = { result: ContentItemResult; audit: AuditFacts };

/** Create a draft, version 1. @throws AdminError invalid */
export async function createItem(deps: ItemCommandDeps, request: CreateContentItemRequest, actor: Actor): Promise<Result> {
  const content = contentFromRequest(request.kind, request as ContentFields, deps.config);
  const itemId = randomUUID();
  const fingerprint = fingerprintOf(content);
  const now = deps.now();
  const archived = await deps.archive.append(itemRecord({ itemId, version: 1, label: request.label, content, fingerprint, actor, now, change: 'create' }, async (tx, recordId) => {
    const row: ContentItemRow = {
      id: itemId, kind: content.kind, label: request.label, status: 'draft', version: 1, ...contentColumns(content), fingerprint, contentRecordId: recordId,
      createdBy: actor.subject, createdAt: now, updatedAt: now, submittedBy: null, submittedAt: null, approvedBy: null, approvedAt: null,
      rejectedBy: null, rejectedAt: null, retiredBy: null, retiredAt: null, lastTransitionRecordId: null,
    };
    await tx.insert(CONTENT_ITEM_ENTITY, row as unknown as Record<string, unknown>);
  }));
  deps.onChange();
  return answer(deps, itemId, archived.recordId, { kind: content.kind, version: 1, fingerprint, recordId: archived.recordId });
}

/** Revise a draft: a new version with new content (of the same kind) and/or label. @throws AdminError not_found, invalid, content_state */
export async function reviseItem(deps: ItemCommandDeps, itemId: string, request: ReviseContentItemRequest, actor: Actor): Promise<Result> {
  const row = await existing(deps, itemId);
  const facts = { target: itemId, details: { version: request.version } };
  if (row.status !== 'draft') throw stateError(`the item is ${row.status}: only a draft can be revised`, facts);
  if (request.version !== row.version) throw stateError(`version ${request.version} is not the item's current version ${row.version}`, facts);
  const fields = request as ContentFields;
  const changesContent = fields.text !== undefined || fields.link !== undefined || fields.image !== undefined;
  const content = changesContent ? contentFromRequest(row.kind, fields, deps.config) : await currentContent(deps, row);
  const label = request.label ?? row.label;
  const version = row.version + 1;
  const fingerprint = fingerprintOf(content);
  const now = deps.now();
  let archived;
  try {
    archived = await deps.archive.append(itemRecord({ itemId, version, label, content, fingerprint, actor, now, change: 'revise' }, async (tx, recordId) => {
      const changed = await tx.update(CONTENT_ITEM_ENTITY, { id: itemId, status: 'draft', version: row.version }, { label, version, ...contentColumns(content), fingerprint, contentRecordId: recordId, updatedAt: now });
      if (changed !== 1) throw new StateMoved();
    }));
  } catch (err) {
    if (err instanceof StateMoved) throw stateError('the item changed meanwhile: read it again', facts);
    throw err;
  }
  if (archived.duplicate) throw stateError(`version ${version} exists already: read the item again`, facts);
  deps.onChange();
  return answer(deps, itemId, archived.recordId, { kind: row.kind, version, fingerprint, recordId: archived.recordId });
}

/**
 * Submit, approve, reject or retire the version the caller reviewed.
 * @throws AdminError not_found, content_state, content_self_approval, content_duplicate
 */
export async function transitionItem(deps: ItemCommandDeps, action: TransitionAction, itemId: string, request: ContentTransitionRequest, actor: Actor): Promise<Result> {
  const row = await existing(deps, itemId);
  const { from, to } = TRANSITIONS[action];
  const details: Record<string, unknown> = { action, version: request.version, fingerprint: row.fingerprint, ...(request.note ? { noteHash: textHash(request.note), noteLength: request.note.length } : {}) };
  const facts = { target: itemId, details };
  if (row.status !== from) throw stateError(`the item is ${row.status}: ${action} needs a ${from} item`, facts);
  if (request.version !== row.version) throw stateError(`version ${request.version} is not the item's current version ${row.version}`, facts);
  if (action === 'approve' && deps.config.twoPersonRule && row.submittedBy === actor.subject) {
    throw new AdminError('content_self_approval', 'you submitted this item: another compliance officer must approve it', { audit: facts });
  }
  const now = deps.now();
  const entry: ArchiveEntry = {
    recordType: 'content.approval',
    accountId: CONTENT_ACCOUNT,
    subject: null,
    occurredAtMs: now,
    // Keyed on the transition it follows: two identical racing requests archive one transition.
    dedupeKey: canonicalJson(['v1', 'content-approval', itemId, row.version, action, row.lastTransitionRecordId ?? 'none']),
    payload: {
      itemId, version: row.version, kind: row.kind, action, from, to, fingerprint: row.fingerprint, contentRecordId: row.contentRecordId,
      actor: { subject: actor.subject, via: actor.via, groups: actor.groups }, note: request.note ?? null, at: now,
    },
    outbox: [],
    exclusive: true,
    effects: async (tx, recordId) => {
      const set: Record<string, unknown> = { status: to, updatedAt: now, lastTransitionRecordId: recordId, ...stamp(action, actor.subject, now) };
      const changed = await tx.update(CONTENT_ITEM_ENTITY, { id: itemId, status: from, version: row.version }, set);
      if (changed !== 1) throw new StateMoved();
      if (action === 'approve') await claimFingerprint(tx, row.fingerprint, itemId, now);
      if (action === 'retire') await tx.update(CONTENT_FINGERPRINT_ENTITY, { fingerprint: row.fingerprint, itemId }, { itemId: null, approvedAt: null });
    },
  };
  let archived;
  try {
    archived = await deps.archive.append(entry);
  } catch (err) {
    if (err instanceof StateMoved) throw stateError('the item changed meanwhile: read it again', facts);
    if (err instanceof DuplicateContent) throw new AdminError('content_duplicate', `approved item ${err.holder} has the same content: retire it first`, { audit: { target: itemId, details: { ...details, holder: err.holder } } });
    throw err;
  }
  if (archived.duplicate) throw stateError(`the item was ${action === 'submit' ? 'submitted' : `${action}d`} by a concurrent request`, facts);
  deps.onChange();
  return answer(deps, itemId, archived.recordId, { ...details, recordId: archived.recordId });
}

/** Hold `fingerprint` for `itemId`: refused when another approved item holds it. */
async function claimFingerprint(tx: EffectTransaction, fingerprint: string, itemId: string, now: number): Promise<void> {
  const claim = await tx.findOne<ContentFingerprintRow>(CONTENT_FINGERPRINT_ENTITY, { fingerprint });
  if (!claim) {
    // A racing approval's insert wins the primary key; the archive retries this transaction, which then finds its row.
    await tx.insert(CONTENT_FINGERPRINT_ENTITY, { fingerprint, itemId, approvedAt: now });
    return;
  }
  if (claim.itemId !== null && claim.itemId !== itemId) throw new DuplicateContent(claim.itemId);
  const taken = await tx.update(CONTENT_FINGERPRINT_ENTITY, { fingerprint, itemId: IsNull() }, { itemId, approvedAt: now });
  if (taken !== 1) throw new DuplicateContent((await tx.findOne<ContentFingerprintRow>(CONTENT_FINGERPRINT_ENTITY, { fingerprint }))?.itemId ?? 'unknown');
}

function stamp(action: TransitionAction, subject: string, now: number): Record<string, unknown> {
  switch (action) {
    case 'submit':
      return { submittedBy: subject, submittedAt: now };
    case 'approve':
      return { approvedBy: subject, approvedAt: now };
    case 'reject':
      return { rejectedBy: subject, rejectedAt: now };
    case 'retire':
      return { retiredBy: subject, retiredAt: now };
  }
}

interface ItemVersion {
  itemId: string;
  version: number;
  label: string;
  content: ItemContent;
  fingerprint: string;
  actor: Actor;
  now: number;
  change: 'create' | 'revise';
}

/** The content.item entry of one version. */
function itemRecord(v: ItemVersion, effects: NonNullable<ArchiveEntry['effects']>): ArchiveEntry {
  return {
    recordType: 'content.item',
    accountId: CONTENT_ACCOUNT,
    subject: null,
    occurredAtMs: v.now,
    dedupeKey: canonicalJson(['v1', 'content-item', v.itemId, v.version]),
    payload: { itemId: v.itemId, version: v.version, change: v.change, label: v.label, kind: v.content.kind, ...contentPayload(v.content), fingerprint: v.fingerprint, actor: { subject: v.actor.subject, via: v.actor.via }, at: v.now },
    outbox: [],
    exclusive: true,
    effects,
  };
}

function contentPayload(content: ItemContent): Record<string, unknown> {
  if (content.kind === 'text') return { text: content.text };
  if (content.kind === 'link') return { link: content.link };
  const { image } = content;
  return { image: { contentType: image.contentType, size: image.bytes.length, md5: image.md5, sha256: image.sha256, filename: image.filename, bytesBase64: image.bytes.toString('base64') } };
}

function contentColumns(content: ItemContent): Pick<ContentItemRow, 'textContent' | 'linkTitle' | 'linkDescription' | 'linkUrl' | 'linkPicUrl' | 'imageMd5' | 'imageSha256' | 'imageSize' | 'imageContentType'> {
  return {
    textContent: content.kind === 'text' ? content.text : null,
    linkTitle: content.kind === 'link' ? content.link.title : null,
    linkDescription: content.kind === 'link' ? content.link.description : null,
    linkUrl: content.kind === 'link' ? content.link.url : null,
    linkPicUrl: content.kind === 'link' ? content.link.picUrl : null,
    imageMd5: content.kind === 'image' ? content.image.md5 : null,
    imageSha256: content.kind === 'image' ? content.image.sha256 : null,
    imageSize: content.kind === 'image' ? content.image.bytes.length : null,
    imageContentType: content.kind === 'image' ? content.image.contentType : null,
  };
}

/** The content of the item's current version (a label-only revision keeps it). */
export async function currentContent(deps: Pick<ItemCommandDeps, 'reader'>, row: ContentItemRow): Promise<ItemContent> {
  if (row.kind === 'text') return { kind: 'text', text: row.textContent ?? '' };
  if (row.kind === 'link') return { kind: 'link', link: { title: row.linkTitle ?? '', description: row.linkDescription ?? '', url: row.linkUrl ?? '', picUrl: row.linkPicUrl } };
  return { kind: 'image', image: await imageOf(deps, row) };
}

/** The image bytes of an image item's current version, from its content.item record. @throws Error when the record does not hold the row's image */
export async function imageOf(deps: Pick<ItemCommandDeps, 'reader'>, row: ContentItemRow): Promise<Extract<ItemContent, { kind: 'image' }>['image']> {
  const record = await deps.reader.open(row.contentRecordId);
  const image = record.payload.image as { contentType: 'image/jpeg' | 'image/png' | 'image/gif'; md5: string; sha256: string; filename: string | null; bytesBase64: string } | undefined;
  if (record.recordType !== 'content.item' || !image || image.sha256 !== row.imageSha256) throw new Error(`content record ${row.contentRecordId} does not hold the image of item ${row.id}`);
  return { bytes: Buffer.from(image.bytesBase64, 'base64'), contentType: image.contentType, md5: image.md5, sha256: image.sha256, filename: image.filename };
}

async function existing(deps: ItemCommandDeps, itemId: string): Promise<ContentItemRow> {
  const row = await deps.store.get(itemId);
  if (!row) throw new AdminError('not_found', `no content item ${itemId}`, { audit: { target: itemId } });
  return row;
}

function stateError(detail: string, facts: AuditFacts): AdminError {
  return new AdminError('content_state', detail, { audit: facts });
}

async function answer(deps: ItemCommandDeps, itemId: string, recordId: string, details: Record<string, unknown>): Promise<Result> {
  const row = await deps.store.get(itemId);
  if (!row) throw new Error(`content item ${itemId} vanished after its change committed`);
  return { result: { item: itemForApi(row), recordId }, audit: { target: itemId, details } };
}
