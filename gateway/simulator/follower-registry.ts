/**
 * Who follows which simulated account. Tencent's follower state changes when
 * the user acts, whether or not the account server took the push, so the
 * registry is updated from every push the simulator sends (tests may also set
 * it directly).
 *
 * Three states per account and openid, because Tencent answers differently:
 * following; unfollowed (the account saw the user, who left, or who never
 * followed but authorised one of its web pages — 45015/43004); unknown (never
 * seen here, or another account's openid — 40003).
 */
import type { PushFacts } from './push-facts';

export interface Follower {
  openid: string;
  /** Unix seconds of the (latest) follow. */
  subscribedAt: number;
}

export type FollowStatus = 'following' | 'unfollowed' | 'unknown';

/** How the user came to follow, as `user/info` reports it (wechat-oa.md §8). */
export interface FollowSource {
  /** `ADD_SCENE_QR_CODE`, `ADD_SCENE_SEARCH`, … (an open enum). */
  scene: string;
  /** The parametric QR code's scene: numeric ones go to `qr_scene`, others to `qr_scene_str`. */
  qrScene?: string;
}

/** What the account knows about one user. */
export interface UserRecord extends FollowSource {
  openid: string;
  following: boolean;
  subscribedAt: number;
  tagIds: number[];
  remark: string;
}

export class FollowerRegistry {
  private readonly byAccount = new Map<string, Map<string, UserRecord>>();

  /**
   * Apply a push's effect: `subscribe` adds the sender (with the QR scene when
   * there is one), `unsubscribe` removes them. Tencent pushes ordinary messages
   * only from followers, so a message from an openid never seen before makes it
   * a follower.
   */
  observe(appId: string, facts: PushFacts, createTime: number): void {
    if (facts.msgType === 'event') {
      if (facts.event === 'subscribe') {
        const qrScene = facts.eventKey?.startsWith('qrscene_') ? facts.eventKey.slice('qrscene_'.length) : undefined;
        this.follow(appId, facts.fromUserName, createTime, qrScene === undefined ? { scene: 'ADD_SCENE_SEARCH' } : { scene: 'ADD_SCENE_QR_CODE', qrScene });
      } else if (facts.event === 'unsubscribe') this.unfollow(appId, facts.fromUserName);
      return;
    }
    if (!this.of(appId).has(facts.fromUserName)) this.follow(appId, facts.fromUserName, createTime, { scene: 'ADD_SCENE_OTHERS' });
  }

  /** The user follows (again) since `subscribedAt` (unix seconds); tags and remark survive a re-follow. */
  follow(appId: string, openid: string, subscribedAt: number, source: FollowSource = { scene: 'ADD_SCENE_SEARCH' }): void {
    const previous = this.of(appId).get(openid);
    this.of(appId).set(openid, {
      openid,
      following: true,
      subscribedAt,
      scene: source.scene,
      ...(source.qrScene !== undefined ? { qrScene: source.qrScene } : {}),
      tagIds: previous?.tagIds ?? [],
      remark: previous?.remark ?? '',
    });
  }

  /** The user unfollowed; the account still knows the openid. */
  unfollow(appId: string, openid: string): void {
    const record = this.of(appId).get(openid);
    if (record) record.following = false;
    else this.of(appId).set(openid, { openid, following: false, subscribedAt: 0, scene: 'ADD_SCENE_OTHERS', tagIds: [], remark: '' });
  }

  /** The account learnt the openid without a follow (web authorization): a non-follower it knows. Followers stay followers. */
  know(appId: string, openid: string): void {
    if (!this.of(appId).has(openid)) this.of(appId).set(openid, { openid, following: false, subscribedAt: 0, scene: 'ADD_SCENE_OTHERS', tagIds: [], remark: '' });
  }

  /** Put a follower under a user tag (for mass sends by `tag_id` and `tagid_list`). @throws Error when the user is unknown. */
  tag(appId: string, openid: string, tagId: number): void {
    const record = this.of(appId).get(openid);
    if (!record) throw new Error(`${appId} has never seen ${openid}`);
    if (!record.tagIds.includes(tagId)) record.tagIds.push(tagId);
  }

  /** Current followers, earliest first. */
  list(appId: string): Follower[] {
    return this.followingRecords(appId).map((r) => ({ openid: r.openid, subscribedAt: r.subscribedAt }));
  }

  /** Current followers carrying `tagId`, earliest first. */
  withTag(appId: string, tagId: number): string[] {
    return this.followingRecords(appId)
      .filter((r) => r.tagIds.includes(tagId))
      .map((r) => r.openid);
  }

  isFollowing(appId: string, openid: string): boolean {
    return this.of(appId).get(openid)?.following === true;
  }

  status(appId: string, openid: string): FollowStatus {
    const record = this.of(appId).get(openid);
    return record === undefined ? 'unknown' : record.following ? 'following' : 'unfollowed';
  }

  /** A copy of what the account knows about the user, or undefined. */
  record(appId: string, openid: string): UserRecord | undefined {
    const record = this.of(appId).get(openid);
    return record && { ...record, tagIds: [...record.tagIds] };
  }

  private followingRecords(appId: string): UserRecord[] {
    return [...this.of(appId).values()].filter((r) => r.following).sort((a, b) => a.subscribedAt - b.subscribedAt);
  }

  private of(appId: string): Map<string, UserRecord> {
    let users = this.byAccount.get(appId);
    if (!users) {
      users = new Map();
      this.byAccount.set(appId, users);
    }
    return users;
  }
}
