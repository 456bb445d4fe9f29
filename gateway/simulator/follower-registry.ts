/**
 * Who follows which simulated account. Tencent's follower state changes when
 * the user acts, whether or not the account server took the push, so the
 * registry is updated from every push the simulator sends.
 */
import type { PushFacts } from './push-facts';

export interface Follower {
  openid: string;
  /** Unix seconds of the (latest) follow. */
  subscribedAt: number;
}

export class FollowerRegistry {
  private readonly byAccount = new Map<string, Map<string, Follower>>();

  /** Apply a push's effect: `subscribe` adds the sender, `unsubscribe` removes them. */
  observe(appId: string, facts: PushFacts, createTime: number): void {
    if (facts.msgType !== 'event') return;
    const followers = this.of(appId);
    if (facts.event === 'subscribe') followers.set(facts.fromUserName, { openid: facts.fromUserName, subscribedAt: createTime });
    else if (facts.event === 'unsubscribe') followers.delete(facts.fromUserName);
  }

  /** Current followers, earliest first. */
  list(appId: string): Follower[] {
    return [...this.of(appId).values()].sort((a, b) => a.subscribedAt - b.subscribedAt);
  }

  isFollowing(appId: string, openid: string): boolean {
    return this.of(appId).has(openid);
  }

  private of(appId: string): Map<string, Follower> {
    let followers = this.byAccount.get(appId);
    if (!followers) {
      followers = new Map();
      this.byAccount.set(appId, followers);
    }
    return followers;
  }
}
