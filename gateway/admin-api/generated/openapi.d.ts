/**
 * Generated from gateway/admin-api/openapi.yaml by gateway/admin-api/generate-types.ts; do not edit.
 * Regenerate: tsx gateway/admin-api/generate-types.ts (a test fails while this file is stale).
 */
export interface paths {
    "/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Compliance alerts (a WeCom "Disagree", a supervised message that tripped a rule), newest first */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/alerts/{alertId}/close": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                alertId: components["schemas"]["Uuid"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Review and close an open alert, with the action taken and a note
         * @description The review (action, note, reviewer) is archived as an `alert.review` record in the same
         *     transaction that closes the alert (compare-and-set on its status): an alert that is not
         *     open is refused with 409 `alert-not-open` and nothing is archived.
         */
        post: operations["closeAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Held messages awaiting (or past) approval, newest first */
        get: operations["listApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approvals/{messageId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        /**
         * One held message, decrypted, with its decision, approvals and comments
         * @description Reading the decrypted message is itself audited (`admin.approval.view`).
         */
        get: operations["getApproval"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approvals/{messageId}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a pending message (a rule may require two distinct approvers)
         * @description Refused when the caller belongs to the requesting app's owner group (`self-approval`),
         *     already approved this message (`duplicate-approver`), is not in the rule's approver
         *     group (`not-in-approver-group`), or the approval is no longer pending or has expired.
         */
        post: operations["approveMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approvals/{messageId}/comment": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Comment on a held message (any status) */
        post: operations["commentMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approvals/{messageId}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a pending message, with a reason */
        post: operations["rejectMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{appId}/tokens/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke every live gateway access token of an internal app (optionally for one account); its SDK then fetches a new one with its credentials */
        post: operations["revokeAppTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit events, filtered, newest first by default */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify the audit log's hash chain end to end
         * @description Detects altered, deleted, inserted and reordered events, and a head that does not match the chain.
         */
        post: operations["verifyAuditLog"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/bindings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bind ids (an openid and its unionid, an external_userid) to a bank customer id, with evidence
         * @description The evidence object (KYC reference, branch, the CRM's own record) is archived with the request
         *     as a `binding.evidence` record; the customer id is stored sealed with a blind index, and the
         *     person's earlier archive records become findable under the customer. An openid the gateway has
         *     seen on another Official Account is refused with 409 `binding-conflict`.
         */
        post: operations["bindPersons"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/bindings/unbind": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unbind ids from their customer id, with evidence (history is kept) */
        post: operations["unbindPersons"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Content library items, most recently changed first */
        get: operations["listContentItems"];
        put?: never;
        /**
         * Create a content item (text, image or link card) as a draft, version 1
         * @description Exactly the field of the item's `kind` is given: `text`, `image` (the bytes base64-encoded;
         *     JPEG, PNG or GIF up to `contentLibrary.maxImageBytes`) or `link`. The version's content is
         *     archived as a `content.item` record (image bytes only there) and its fingerprint computed
         *     (docs: gateway/content-library/README.md). Text and link copy are stored in clear in the
         *     item table: they are bank marketing content, not personal data.
         */
        post: operations["createContentItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        /** One content library item */
        get: operations["getContentItem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a submitted item; RMs can send it from the WeCom sidebar and captured messages that match it are linked to it
         * @description Under the two-person rule (`contentLibrary.twoPersonRule`, on by default) the officer who
         *     submitted the item cannot approve it (403 `content-self-approval`). At most one approved item
         *     has a given content: approving a second one is refused with 409 `content-duplicate`.
         */
        post: operations["approveContentItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        /**
         * Captured chat-archive messages that matched the item, newest first
         * @description Each entry names the archived `wecom.msgaudit` record (open it from the archive), the item version matched, and the sender as a blind index.
         */
        get: operations["listContentItemMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a submitted item back to draft, with a note */
        post: operations["rejectContentItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}/retire": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retire an approved item, with a note; messages sent from then on no longer match it */
        post: operations["retireContentItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}/revise": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revise a draft (a new version; the kind cannot change)
         * @description Only a draft (new, or rejected back to draft) can be revised; `version` must be the item's current version (409 `content-item-state` otherwise).
         */
        post: operations["reviseContentItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content-items/{itemId}/submit": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a draft for approval */
        post: operations["submitContentItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customers/{customerId}/records": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["schemas"]["CustomerId"];
            };
            cookie?: never;
        };
        /**
         * Everything with customer X — the archive records about every id ever bound to the customer, in archive order
         * @description One indexed query on the archive's customer column. Pages follow the archive's own order
         *     (chain shard, then position); `occurredAt` is when each thing happened. `decrypt=true` adds
         *     each record's decrypted payload and needs `consent:read` as well; the reading is audited
         *     with a hash of the record ids read.
         */
        get: operations["listCustomerRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handovers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Hand-overs of RMs' customers and groups to other RMs, newest first */
        get: operations["listHandovers"];
        put?: never;
        /**
         * Hand an RM's customers and groups over to another RM (WeCom in-service or resigned transfer)
         * @description Asks WeCom which customers (`externalcontact/list` for an RM in service, `get_unassigned_list`
         *     for one who left) and customer groups (`groupchat/list`) the RM has, refuses before any call
         *     the customers WeCom would refuse under its rule of 2 in-service transfers per customer in 90
         *     days (status `skipped`, with the date they may move again), and starts the hand-over: the
         *     gateway then transfers them in calls of at most 100 (`transfer_customer` or
         *     `resigned/transfer_customer`; `groupchat/onjob_transfer` or `groupchat/transfer`) and asks
         *     `transfer_result` until each customer is taken over (24 hours later), refused, or at the
         *     takeover RM's limit. Every step is a `wecom.handover` archive record and an audit event.
         *     One hand-over of an RM runs at a time (409 `handover-in-progress`). A retry with the same
         *     `requestId` answers the hand-over it started (`duplicate: true`).
         */
        post: operations["startHandover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handovers/{handoverId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                handoverId: components["schemas"]["Uuid"];
            };
            cookie?: never;
        };
        /** One hand-over with each customer's and group's status and its archive records */
        get: operations["getHandover"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/messages/{messageId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        /** Where any outbound message stands (no content) */
        get: operations["getMessageStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/persons/{kind}/{personId}/bindings": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: components["parameters"]["PersonKind"];
                personId: components["parameters"]["PersonId"];
            };
            cookie?: never;
        };
        /**
         * A person's binding history (bind, unbind, re-bind), oldest first
         * @description Customer ids are shown only to callers holding `bindings:read`; others see them as null with `customerIdsShown` false.
         */
        get: operations["getPersonBindings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/persons/{kind}/{personId}/consent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: components["parameters"]["PersonKind"];
                personId: components["parameters"]["PersonId"];
            };
            cookie?: never;
        };
        /** A person's derived consent per purpose and the full ledger history, oldest first */
        get: operations["getPersonConsent"];
        put?: never;
        /**
         * Record consent changes an officer received outside the gateway (a paper form, an import), with the basis
         * @description Appended to the ledger with source `admin`, channel `admin_api` and the caller as actor; the
         *     request is archived as the `consent.evidence` record in the same transaction. A repeated
         *     `requestId` is answered with the first request's evidence record and records nothing.
         */
        post: operations["recordPersonConsent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/policy/eval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dry-run the live policy on one Tencent-shaped request (nothing is sent or archived) */
        post: operations["evaluatePolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rights/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a PIPL access request (Art. 45) — everything held about a person, decrypted, as a JSON file
         * @description The file holds the person's ids, derived consent and ledger history, binding history with
         *     customer ids, and every archive record about the person (by the id, plus the records of the
         *     customer the person is bound to now), decrypted, oldest first. It is built in memory up to
         *     `admin.accessFileMaxBytes` (default 128 MiB; larger answers are refused with 422
         *     `result-too-large`: ask again with `omitMediaBytes`, or raise the limit). Before it is sent, a
         *     `rights.access` record (who asked, for whom, the file's sha256 and size — not the file) is
         *     archived; its id is in the `x-cgw-record-id` header and the file name.
         */
        post: operations["answerAccessRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rights/lift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lift a processing restriction — processing consent granted again, with the basis */
        post: operations["liftRestriction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rights/restrict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Withdraw a person's processing consent on request — retained for legal obligation only
         * @description Records a withdrawal of the `processing` purpose (source `admin`, channel `admin_api`, the
         *     basis archived as evidence). Regulated records are kept; the next policy decision for the
         *     person denies everything but archiving (`processing-restriction` in the default policy).
         */
        post: operations["restrictProcessing"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rms/{corp}/{userid}/records": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                corp: components["schemas"]["Id"];
                userid: components["schemas"]["WecomUserId"];
            };
            cookie?: never;
        };
        /**
         * Everything involving RM X — their own records, the records of every customer handed to or from them, and the hand-over records
         * @description The archive's subject index is the sender: the RM's own records carry their userid's index.
         *     A hand-over adds every customer handed to or from the RM whose transfer WeCom accepted, with
         *     the customer's whole history (records whose subject is the customer), and every
         *     `wecom.handover` record of a hand-over the RM was part of. `involvement` says why each
         *     record is there (`rm`, `customer`, `handover`). Pages follow the archive's own order (chain
         *     shard, then position). `decrypt=true` adds each record's payload and needs `consent:read`
         *     as well; the reading is audited with the RM as a blind index and a hash of the record ids.
         */
        get: operations["listRmRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/whoami": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the caller is, as the gateway sees it */
        get: operations["whoami"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccessFile: {
            bindings: {
                customerId: string | null;
                history: components["schemas"]["BindingEntry"][];
            };
            consent: {
                current: components["schemas"]["ConsentState"];
                history: components["schemas"]["ConsentEntry"][];
            };
            /** @enum {string} */
            format: "cgw-pipl-access/v1";
            /** Format: date-time */
            generatedAt: string;
            /** @description The person, and the ids bound with it to the same customer */
            ids: components["schemas"]["PersonRef"][];
            person: components["schemas"]["PersonRef"];
            records: components["schemas"]["AccessRecord"][];
            /** @description The subject of the officer who asked */
            requestedBy: string;
        };
        AccessRecord: {
            accountId: string;
            /** Format: date-time */
            occurredAt: string;
            payload: {
                [key: string]: unknown;
            };
            recordId: string;
            recordType: string;
            subject: string | null;
        };
        AccessRequest: {
            /**
             * @description Leave media files out (their size and hash stay): for people whose media would exceed the size limit
             * @default false
             */
            omitMediaBytes: boolean;
            person: components["schemas"]["PersonRef"];
        };
        /**
         * @description How the actor was identified (anonymous for failed authentication, system for the gateway itself).
         * @enum {string}
         */
        ActorVia: "oidc" | "local-token" | "anonymous" | "system" | "app";
        Alert: {
            accountId: string;
            closeAction: string | null;
            /** Format: date-time */
            closedAt: string | null;
            closedBy: string | null;
            /** @description The alert.review record holding the reviewer's note */
            closeRecordId: string | null;
            /** Format: date-time */
            createdAt: string;
            id: string;
            kind: string;
            /** @description The archive record that caused the alert */
            recordId: string | null;
            /** @enum {string} */
            severity: "info" | "warning" | "critical";
            status: components["schemas"]["AlertStatus"];
            /** @description The blind index of the person concerned (as in audit details) */
            subjectIndex: string | null;
            /** @description Codes and counts only */
            summary: string;
        };
        /**
         * @description no_action: nothing to do (a false positive); resolved: handled (e.g. the customer agreed again); coached: the RM was coached; escalated: passed on (legal, the supervisor); reported: reported to a regulator; restricted: the contact or processing was restricted
         * @enum {string}
         */
        AlertCloseAction: "no_action" | "resolved" | "coached" | "escalated" | "reported" | "restricted";
        AlertKind: string;
        AlertList: {
            items: components["schemas"]["Alert"][];
        };
        /** @enum {string} */
        AlertStatus: "open" | "closed";
        ApprovalEntry: {
            /** Format: date-time */
            at: string;
            name?: string;
            note?: string;
            subject: string;
        };
        ApprovalPage: {
            items: components["schemas"]["ApprovalSummary"][];
            nextCursor: string | null;
        };
        ApprovalRequirement: {
            group: string;
            /** @enum {integer} */
            requiredApprovals: 1 | 2;
            route: string;
            ttlMs: number;
        };
        ApprovalResult: {
            approvalsCount: number;
            contentHash: components["schemas"]["Sha256Hex"];
            messageId: components["schemas"]["MessageId"];
            requiredApprovals: number;
            status: components["schemas"]["ApprovalStatus"];
        };
        /** @enum {string} */
        ApprovalStatus: "pending" | "approved" | "rejected" | "expired";
        ApprovalSummary: {
            accountId: string;
            appId: string;
            approvalsCount: number;
            contentHash: components["schemas"]["Sha256Hex"];
            /** Format: date-time */
            expiresAt: string;
            kind: components["schemas"]["OutboundKind"];
            messageId: components["schemas"]["MessageId"];
            msgtype: string;
            reasons: components["schemas"]["ReasonCode"][];
            recipientsCount: number;
            requiredApprovals: number;
            status: components["schemas"]["ApprovalStatus"];
            /** Format: date-time */
            submittedAt: string;
        };
        ApproveRequest: {
            note?: string;
        };
        AuditEvent: {
            actor: {
                subject: string;
                via: components["schemas"]["ActorVia"];
            };
            /** Format: date-time */
            at: string;
            contentHash: string | null;
            details: {
                [key: string]: unknown;
            };
            hash: components["schemas"]["Sha256Hex"];
            id: string;
            outcome: components["schemas"]["AuditOutcome"];
            prevHash: components["schemas"]["Sha256Hex"];
            seq: number;
            target: string | null;
            type: components["schemas"]["AuditEventType"];
        };
        AuditEventPage: {
            items: components["schemas"]["AuditEvent"][];
            nextCursor: string | null;
        };
        /**
         * @description Registered audit event codes (gateway/audit/event-types.ts and docs/audit-event-types.md; a test keeps all three equal).
         * @enum {string}
         */
        AuditEventType: "admin.auth.failed" | "admin.access.denied" | "admin.approval.list" | "admin.approval.view" | "admin.approval.approve" | "admin.approval.reject" | "admin.approval.comment" | "admin.message.status" | "admin.policy.eval" | "admin.audit.list" | "admin.audit.verify" | "api.auth.failed" | "outbound.held" | "outbound.released" | "outbound.rejected" | "outbound.expired" | "outbound.denied_at_release" | "admin.app.tokens.revoke" | "page.rejected" | "consent.page_submitted" | "binding.page_bound" | "admin.consent.view" | "admin.consent.record" | "admin.binding.bind" | "admin.binding.unbind" | "admin.binding.view" | "admin.customer.records" | "admin.rights.access" | "admin.rights.restrict" | "admin.rights.lift" | "admin.alert.list" | "admin.alert.close" | "admin.content.list" | "admin.content.view" | "admin.content.create" | "admin.content.revise" | "admin.content.submit" | "admin.content.approve" | "admin.content.reject" | "admin.content.retire" | "admin.content.uses" | "sidebar.signed_in" | "sidebar.media_uploaded" | "sidebar.rejected" | "admin.handover.start" | "admin.handover.view" | "admin.handover.list" | "admin.rm.records" | "handover.transfer" | "handover.resolved" | "handover.result" | "handover.completed" | "handover.failed";
        AuditFinding: {
            detail: string;
            eventId: string | null;
            kind: components["schemas"]["AuditFindingKind"];
            seq: number;
        };
        /** @enum {string} */
        AuditFindingKind: "hash-mismatch" | "prev-mismatch" | "seq-gap" | "seq-out-of-order" | "head-mismatch";
        /** @enum {string} */
        AuditOutcome: "success" | "failure" | "denied";
        AuditVerifyReport: {
            elapsedMs: number;
            events: number;
            findings: components["schemas"]["AuditFinding"][];
            head: {
                hash: components["schemas"]["Sha256Hex"];
                seq: number;
            };
            ok: boolean;
        };
        /** @enum {string} */
        AuthMethod: "oidc" | "local-token";
        BindingEntry: {
            accountId: string;
            /** @enum {string} */
            action: "bind" | "unbind";
            actor: string | null;
            /** @description The customer id (bind entries, for callers with bindings:read); null otherwise */
            customerId: string | null;
            evidenceRecordId: string;
            id: string;
            kind: components["schemas"]["PersonKind"];
            /** Format: date-time */
            occurredAt: string;
            /** @enum {string} */
            source: "crm_api" | "bind_page" | "import" | "cli";
        };
        BindingResult: {
            /** @enum {string} */
            action: "bind" | "unbind";
            evidenceRecordId: string;
            /** @description How many ids the request named */
            persons: number;
        };
        /** @enum {string} */
        BindingSource: "crm_api" | "import" | "cli";
        BindRequest: {
            customerId: components["schemas"]["CustomerId"];
            /** @description What the binding rests on (KYC reference, channel, the CRM record); archived with the request */
            evidence: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description When the binding was established (default now; not in the future)
             */
            occurredAt?: string;
            persons: components["schemas"]["PersonRef"][];
            requestId?: components["schemas"]["RequestId"];
            /** @default crm_api */
            source: components["schemas"]["BindingSource"];
        };
        CloseAlertRequest: {
            action: components["schemas"]["AlertCloseAction"];
            note: string;
        };
        CloseAlertResult: {
            alert: components["schemas"]["Alert"];
            reviewRecordId: string;
        };
        CommentEntry: {
            /** Format: date-time */
            at: string;
            name?: string;
            subject: string;
            text: string;
        };
        CommentRequest: {
            text: string;
        };
        /** @enum {string} */
        ConsentAction: "grant" | "withdraw";
        ConsentChange: {
            action: components["schemas"]["ConsentAction"];
            language?: components["schemas"]["ConsentLanguage"] | null;
            /** @description The version (sha256) of the notice the person agreed to on paper, when known */
            noticeVersion?: components["schemas"]["Sha256Hex"] | null;
            purpose: components["schemas"]["ConsentPurpose"];
        };
        ConsentEntry: {
            action: components["schemas"]["ConsentAction"];
            /** @description The officer or job that recorded it; null for the person's own action */
            actor: string | null;
            /** @enum {string} */
            channel: "oa_page" | "oa_keyword" | "wecom_msgaudit" | "wecom_callback" | "wecom_check" | "admin_api" | "cli" | "import";
            /** @description The archive record that is the evidence */
            evidenceRecordId: string;
            id: string;
            /** @enum {string|null} */
            language: "zh-CN" | "en" | null;
            /** @description sha256 of the exact notice text shown */
            noticeVersion: string | null;
            /** Format: date-time */
            occurredAt: string;
            purpose: components["schemas"]["ConsentPurpose"];
            /** Format: date-time */
            recordedAt: string;
            /** @enum {string} */
            source: "user" | "tencent" | "reconciliation" | "import" | "admin";
        };
        /** @enum {string} */
        ConsentLanguage: "zh-CN" | "en";
        /**
         * @description The ledger's purposes (CONSENT_PURPOSES in policies/schema.ts; a test keeps them equal). `processing` withdrawn = retained for legal obligation only.
         * @enum {string}
         */
        ConsentPurpose: "archiving" | "marketing" | "cross_border" | "sensitive" | "processing";
        ConsentState: {
            purposes: components["schemas"]["PurposeConsent"][];
            retainedForLegalObligationOnly: boolean;
        };
        ContentImage: {
            /** @enum {string} */
            contentType: "image/jpeg" | "image/png" | "image/gif";
            /** @description md5 hex of the bytes: what WeCom reports as md5sum in archived image messages */
            md5: string;
            sha256: components["schemas"]["Sha256Hex"];
            size: number;
        };
        ContentImageInput: {
            /** @description The image file (JPEG, PNG or GIF), base64 */
            dataBase64: string;
            filename?: string;
        };
        ContentItem: {
            /** Format: date-time */
            approvedAt: string | null;
            approvedBy: string | null;
            /** @description The content.item archive record of the current version */
            contentRecordId: string;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            fingerprint: components["schemas"]["Sha256Hex"];
            id: components["schemas"]["Uuid"];
            image: components["schemas"]["ContentImage"] | null;
            kind: components["schemas"]["ContentItemKind"];
            label: string;
            /** @description The content.approval record of the last transition */
            lastTransitionRecordId: string | null;
            link: components["schemas"]["ContentLink"] | null;
            /** Format: date-time */
            rejectedAt: string | null;
            rejectedBy: string | null;
            /** Format: date-time */
            retiredAt: string | null;
            retiredBy: string | null;
            status: components["schemas"]["ContentItemStatus"];
            /** Format: date-time */
            submittedAt: string | null;
            submittedBy: string | null;
            text: string | null;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
        /** @enum {string} */
        ContentItemKind: "text" | "image" | "link";
        ContentItemMessage: {
            /** @description The corp's configuration id */
            accountId: string;
            itemVersion: number;
            msgtype: string;
            /** @description The wecom.msgaudit archive record */
            recordId: string;
            /** @description The blind index of the sender (as in audit details) */
            senderIndex: string | null;
            /** Format: date-time */
            sentAt: string;
        };
        ContentItemMessagePage: {
            items: components["schemas"]["ContentItemMessage"][];
            nextCursor: string | null;
        };
        ContentItemPage: {
            items: components["schemas"]["ContentItem"][];
            nextCursor: string | null;
        };
        ContentItemResult: {
            item: components["schemas"]["ContentItem"];
            /** @description The archive record of this change (content.item or content.approval) */
            recordId: string;
        };
        /** @enum {string} */
        ContentItemStatus: "draft" | "submitted" | "approved" | "retired";
        /** @description The library's name for the item, shown to RMs in the sidebar */
        ContentLabel: string;
        ContentLink: {
            description?: string;
            picUrl?: string;
            title: string;
            url: string;
        };
        ContentNoteRequest: {
            note: string;
            /** @description The version the caller reviewed (the item's current one) */
            version: number;
        };
        /** @description The text an RM sends (UTF-8, at most contentLibrary.maxTextBytes bytes) */
        ContentText: string;
        ContentTransitionRequest: {
            note?: string;
            /** @description The version the caller reviewed (the item's current one) */
            version: number;
        };
        CreateContentItemRequest: {
            image?: components["schemas"]["ContentImageInput"];
            kind: components["schemas"]["ContentItemKind"];
            label: components["schemas"]["ContentLabel"];
            link?: components["schemas"]["ContentLink"];
            text?: components["schemas"]["ContentText"];
        };
        /** @description The bank's customer id (CIF) */
        CustomerId: string;
        CustomerRecord: {
            accountId: string;
            /** Format: date-time */
            occurredAt: string;
            /** @description The decrypted content (decrypt=true only) */
            payload?: {
                [key: string]: unknown;
            };
            recordId: string;
            recordType: string;
        };
        CustomerRecordPage: {
            decrypted: boolean;
            items: components["schemas"]["CustomerRecord"][];
            nextCursor: string | null;
        };
        /** @description The policy decision (connectors/canonical/decision.ts), with evaluatedAt as a date-time. */
        Decision: {
            approval?: components["schemas"]["ApprovalRequirement"];
            /** @description The body that would be sent, after transforms */
            body: {
                [key: string]: unknown;
            };
            deny?: {
                errcode: number;
                errmsg: string;
            };
            /** Format: date-time */
            evaluatedAt: string;
            hits: components["schemas"]["DecisionHit"][];
            id: string;
            masked: components["schemas"]["MaskedField"][];
            outcome: components["schemas"]["DecisionOutcome"];
            policyVersion: components["schemas"]["Sha256Hex"];
            reasons: components["schemas"]["DecisionReason"][];
        };
        DecisionHit: {
            category?: string;
            count: number;
            /** @description Lexicon term id or PII detector */
            id: string;
            path: string;
            rule: string;
            /** @enum {string} */
            source: "lexicon" | "pii";
        };
        /** @enum {string} */
        DecisionOutcome: "allow" | "hold" | "deny" | "transform";
        DecisionReason: {
            code: components["schemas"]["ReasonCode"];
            /** @description Term ids, categories, detectors, paths, counts; never text or PII */
            detail?: string;
            /** @description The id of the rule that fired, in the policy file */
            rule: string;
        };
        /** @description A WeCom customer's external_userid */
        ExternalUserId: string;
        Handover: {
            corp: string;
            /** Format: date-time */
            createdAt: string;
            /** @description getHandover only */
            customerItems?: components["schemas"]["HandoverCustomer"][];
            customers: components["schemas"]["HandoverItemCounts"];
            /** @description startHandover only: true for a retried requestId (nothing new was started) */
            duplicate?: boolean;
            failure: components["schemas"]["HandoverFailure"] | null;
            /** Format: date-time */
            finishedAt: string | null;
            /** @description getHandover only */
            groupItems?: components["schemas"]["HandoverGroup"][];
            groups: components["schemas"]["HandoverItemCounts"];
            handoverUserid: string;
            id: string;
            mode: components["schemas"]["HandoverMode"];
            /**
             * Format: date-time
             * @description When the gateway looks next (a retry, the next transfer_result poll)
             */
            nextRunAt: string | null;
            /** @description The last transient failure while it retries */
            note: string | null;
            /** @description getHandover only: the hand-over's wecom.handover archive records, oldest first */
            recordIds?: string[];
            startedBy: string;
            status: components["schemas"]["HandoverStatus"];
            takeoverUserid: string;
            /** Format: date-time */
            updatedAt: string;
        };
        HandoverCustomer: {
            /**
             * Format: date-time
             * @description When WeCom started the transfer
             */
            acceptedAt: string | null;
            /** @description What the reason means here (dates, counts) */
            detail: string | null;
            /** @description WeCom's errcode for this customer, when it gave one */
            errcode: number | null;
            externalUserId: string;
            /** @description cap.90_days, wecom.<errcode>, customer_refused, customer_limit_exceed, taken_over, in_doubt … */
            reason: string | null;
            status: components["schemas"]["HandoverCustomerStatus"];
            /** Format: date-time */
            takeoverAt: string | null;
        };
        /** @enum {string} */
        HandoverCustomerStatus: "pending" | "calling" | "waiting" | "succeeded" | "refused" | "limit_exceeded" | "rejected" | "skipped" | "failed";
        HandoverFailure: {
            /** @description wecom.<errcode> (e.g. wecom.40097: the RM has not left) or wecom.unavailable */
            code: string;
            detail: string;
        };
        HandoverGroup: {
            chatId: string;
            detail: string | null;
            errcode: number | null;
            reason: string | null;
            status: components["schemas"]["HandoverGroupStatus"];
            /** Format: date-time */
            takeoverAt: string | null;
        };
        /** @enum {string} */
        HandoverGroupStatus: "pending" | "calling" | "succeeded" | "rejected" | "failed";
        /** @description How many customers (or groups) are in each status */
        HandoverItemCounts: {
            calling: number;
            failed: number;
            limit_exceeded: number;
            pending: number;
            refused: number;
            rejected: number;
            skipped: number;
            succeeded: number;
            total: number;
            waiting: number;
        };
        HandoverList: {
            items: components["schemas"]["Handover"][];
        };
        /**
         * @description in-service: the RM stays (transfer_customer, groupchat/onjob_transfer); resigned: the RM has left WeCom (resigned/transfer_customer, groupchat/transfer)
         * @enum {string}
         */
        HandoverMode: "in-service" | "resigned";
        /**
         * @description transferring: customers or groups still to send; waiting: only takeovers to wait for (24 h); completed; failed: sending stopped for good (see failure)
         * @enum {string}
         */
        HandoverStatus: "transferring" | "waiting" | "completed" | "failed";
        HeldMessage: {
            accountId: string;
            appId: string;
            approvals: components["schemas"]["ApprovalEntry"][];
            /** @description The group whose members may approve, when the rule names one */
            approverGroup?: string;
            /** @description The request body as Tencent would receive it */
            body: {
                [key: string]: unknown;
            };
            comments: components["schemas"]["CommentEntry"][];
            contentHash: components["schemas"]["Sha256Hex"];
            decision: components["schemas"]["Decision"];
            /** Format: date-time */
            expiresAt: string;
            kind: components["schemas"]["OutboundKind"];
            messageId: components["schemas"]["MessageId"];
            msgtype: string;
            /** @description The requesting app's owner group (its members cannot approve) */
            ownerGroup?: string;
            policyVersion: components["schemas"]["Sha256Hex"];
            recipientsCount: number;
            rejection?: components["schemas"]["Rejection"];
            requiredApprovals: number;
            status: components["schemas"]["ApprovalStatus"];
            /** Format: date-time */
            submittedAt: string;
            texts: components["schemas"]["OutboundText"][];
        };
        Id: string;
        MaskedField: {
            count: number;
            detector: components["schemas"]["PiiDetector"];
            /** @description JSON Pointer of the masked string in body */
            path: string;
        };
        MessageId: string;
        /** @enum {string} */
        MessageState: "held" | "denied" | "rejected" | "expired" | "queued" | "delivered" | "failed";
        MessageStatus: {
            accountId: string;
            appId: string;
            attempts: number;
            contentHash: components["schemas"]["Sha256Hex"];
            decisionOutcome: components["schemas"]["DecisionOutcome"];
            /** Format: date-time */
            deliveredAt?: string;
            kind: components["schemas"]["OutboundKind"];
            /** @description Tencent's errcode or the gateway's error code of the last failed attempt */
            lastErrorCode?: string;
            messageId: components["schemas"]["MessageId"];
            reasons?: components["schemas"]["ReasonCode"][];
            state: components["schemas"]["MessageState"];
            /** Format: date-time */
            submittedAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /** @enum {string} */
        OutboundKind: "oa.custom" | "oa.template" | "oa.subscribe" | "oa.mass" | "oa.mass.preview" | "oa.reply" | "wecom.app" | "wecom.customer_mass" | "wecom.welcome";
        OutboundText: {
            /** @description JSON Pointer of the text inside body */
            path: string;
            text: string;
        };
        /** @enum {string} */
        Permission: "whoami" | "approvals:read" | "approvals:decide" | "messages:read" | "policy:eval" | "audit:read" | "apps:manage" | "consent:read" | "consent:write" | "bindings:read" | "bindings:write" | "rights:manage" | "alerts:read" | "alerts:review" | "content:read" | "content:write" | "content:approve" | "handover:read" | "handover:run";
        PersonBindings: {
            bound: boolean;
            /** @description The current customer id (for callers with bindings:read) */
            customerId: string | null;
            customerIdsShown: boolean;
            history: components["schemas"]["BindingEntry"][];
            person: components["schemas"]["PersonRef"];
        };
        PersonConsent: {
            current: components["schemas"]["ConsentState"];
            history: components["schemas"]["ConsentEntry"][];
            person: components["schemas"]["PersonRef"];
        };
        /** @description The id as Tencent gives it (openid 28, unionid 29, external_userid 32 characters in practice) */
        PersonId: string;
        /** @enum {string} */
        PersonKind: "openid" | "unionid" | "external_userid";
        PersonRef: {
            account: components["schemas"]["Id"];
            id: components["schemas"]["PersonId"];
            kind: components["schemas"]["PersonKind"];
        };
        /** @enum {string} */
        PiiDetector: "prcResidentId" | "bankCard" | "mobile" | "email";
        PolicyEvalRequest: {
            accountId: components["schemas"]["Id"];
            appId: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description Evaluate as of this instant (default now)
             */
            at?: string;
            /** @description The Tencent-shaped JSON request body */
            body: {
                [key: string]: unknown;
            };
            /** @description The Tencent API path the app would call, e.g. /cgi-bin/message/custom/send */
            path: string;
        };
        Problem: {
            detail?: string;
            /** @description For validation-failed, where the request is wrong (never the offending value) */
            errors?: {
                message: string;
                /** @description JSON Pointer into the request (body, query or path) */
                pointer: string;
            }[];
            /** @description urn:uuid:<error id>, the id in the gateway log line */
            instance: string;
            status: number;
            title: string;
            type: components["schemas"]["ProblemType"];
        };
        /**
         * @description Every problem type the admin API answers with (gateway/admin-api/problems.ts; a test keeps them equal).
         * @enum {string}
         */
        ProblemType: "https://cgw.dev/problems/unauthenticated" | "https://cgw.dev/problems/forbidden" | "https://cgw.dev/problems/route-not-found" | "https://cgw.dev/problems/method-not-allowed" | "https://cgw.dev/problems/invalid-json" | "https://cgw.dev/problems/unsupported-media-type" | "https://cgw.dev/problems/payload-too-large" | "https://cgw.dev/problems/validation-failed" | "https://cgw.dev/problems/not-found" | "https://cgw.dev/problems/approval-not-pending" | "https://cgw.dev/problems/approval-expired" | "https://cgw.dev/problems/self-approval" | "https://cgw.dev/problems/duplicate-approver" | "https://cgw.dev/problems/not-in-approver-group" | "https://cgw.dev/problems/invalid-request" | "https://cgw.dev/problems/binding-conflict" | "https://cgw.dev/problems/alert-not-open" | "https://cgw.dev/problems/result-too-large" | "https://cgw.dev/problems/service-unavailable" | "https://cgw.dev/problems/internal" | "https://cgw.dev/problems/content-item-state" | "https://cgw.dev/problems/content-duplicate" | "https://cgw.dev/problems/content-self-approval" | "https://cgw.dev/problems/handover-in-progress";
        PurposeConsent: {
            /** @description What the policy sees: withdrawn for every purpose but archiving while the person is retained for legal obligation only */
            effectiveState: components["schemas"]["PurposeState"];
            noticeVersion: string | null;
            purpose: components["schemas"]["ConsentPurpose"];
            /** Format: date-time */
            since: string | null;
            state: components["schemas"]["PurposeState"];
        };
        /** @enum {string} */
        PurposeState: "granted" | "withdrawn" | "missing" | "stale";
        /**
         * @description The closed set of decision reason codes (REASON_CODES in connectors/canonical/decision.ts; a test keeps them equal).
         * @enum {string}
         */
        ReasonCode: "policy.default_allow" | "consent.missing" | "consent.withdrawn" | "consent.stale" | "consent.unknown" | "binding.absent" | "binding.unknown" | "window.expired" | "window.quota_exhausted" | "window.unknown" | "lexicon.blocked" | "lexicon.held" | "lexicon.flagged" | "pii.blocked" | "pii.held" | "pii.detected" | "pii.masked" | "quota.app_exceeded" | "finra2210.threshold" | "approval.required" | "transform.disclaimer" | "transform.failed";
        RecordConsentRequest: {
            account: components["schemas"]["Id"];
            /** @description What the change rests on (e.g. "signed paper form, branch 12, scan DMS-4411") */
            basis: string;
            changes: components["schemas"]["ConsentChange"][];
            /** @description Further evidence kept in the archive with the request (document references, hashes of scans) */
            evidence?: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description When the person made the choice (default now; not in the future)
             */
            occurredAt?: string;
            requestId?: components["schemas"]["RequestId"];
        };
        RecordConsentResult: {
            current: components["schemas"]["ConsentState"];
            /** @description true: a retry of an earlier requestId; nothing new was recorded */
            duplicate: boolean;
            entries: components["schemas"]["ConsentEntry"][];
            evidenceRecordId: string;
        };
        Rejection: {
            /** Format: date-time */
            at: string;
            name?: string;
            reason: string;
            subject: string;
        };
        RejectRequest: {
            reason: string;
        };
        /** @description The caller's id for this request; a retry with the same id records nothing new and answers with the first request's evidence record */
        RequestId: string;
        ReviseContentItemRequest: {
            image?: components["schemas"]["ContentImageInput"];
            label?: components["schemas"]["ContentLabel"];
            link?: components["schemas"]["ContentLink"];
            text?: components["schemas"]["ContentText"];
            /** @description The version being revised (the item's current one) */
            version: number;
        };
        RevokeTokensRequest: {
            accountId?: components["schemas"]["Id"];
        };
        RevokeTokensResult: {
            accountId?: components["schemas"]["Id"];
            appId: components["schemas"]["Id"];
            /** @description Live tokens revoked (they answer 40001 from now on, within the verification cache time of a few seconds) */
            revoked: number;
        };
        RightsRequest: {
            /** @description The request and how it reached the bank (e.g. "written request of 2031-05-02, ticket PIPL-118") */
            basis: string;
            person: components["schemas"]["PersonRef"];
            requestId?: components["schemas"]["RequestId"];
        };
        RightsResult: {
            current: components["schemas"]["ConsentState"];
            duplicate: boolean;
            evidenceRecordId: string;
        };
        RmHandover: {
            /** Format: date-time */
            createdAt: string;
            id: string;
            mode: components["schemas"]["HandoverMode"];
            /**
             * @description The RM handed customers over, or took them over
             * @enum {string}
             */
            role: "handover" | "takeover";
            status: components["schemas"]["HandoverStatus"];
        };
        RmRecord: {
            accountId: string;
            /** @description Why the record is here: the RM's own, a handed-over customer's, a hand-over record */
            involvement: ("rm" | "customer" | "handover")[];
            /** Format: date-time */
            occurredAt: string;
            /** @description The decrypted content (decrypt=true only) */
            payload?: {
                [key: string]: unknown;
            };
            recordId: string;
            recordType: string;
        };
        RmRecordPage: {
            corp: string;
            decrypted: boolean;
            handovers: components["schemas"]["RmHandover"][];
            items: components["schemas"]["RmRecord"][];
            nextCursor: string | null;
        };
        /** @enum {string} */
        Role: "it-admin" | "compliance-officer" | "compliance-supervisor" | "auditor" | "crm-service";
        Sha256Hex: string;
        StartHandoverRequest: {
            corp: components["schemas"]["Id"];
            /** @description Only these customers (default: every customer WeCom lists for the RM) */
            externalUserIds?: components["schemas"]["ExternalUserId"][];
            handoverUserid: components["schemas"]["WecomUserId"];
            /**
             * @description Hand over the RM's customer groups too
             * @default true
             */
            includeGroups: boolean;
            mode: components["schemas"]["HandoverMode"];
            requestId?: components["schemas"]["RequestId"];
            takeoverUserid: components["schemas"]["WecomUserId"];
            /** @description In service only: what WeCom tells each customer (WeCom's default text otherwise) */
            transferSuccessMsg?: string;
        };
        UnbindRequest: {
            evidence: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            occurredAt?: string;
            persons: components["schemas"]["PersonRef"][];
            requestId?: components["schemas"]["RequestId"];
            /** @default crm_api */
            source: components["schemas"]["BindingSource"];
        };
        Uuid: string;
        /** @description A WeCom member's userid, as the corp's address book spells it */
        WecomUserId: string;
        WhoAmI: {
            groups: string[];
            name?: string;
            permissions: components["schemas"]["Permission"][];
            roles: components["schemas"]["Role"][];
            subject: string;
            via: components["schemas"]["AuthMethod"];
        };
    };
    responses: {
        /** @description An RFC 9457 problem */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description The Official Account (openid, unionid) or WeCom corp (external_userid) the id belongs to, as configured */
        Account: components["schemas"]["Id"];
        ContentItemId: components["schemas"]["Uuid"];
        /** @description The nextCursor of the previous page (opaque) */
        Cursor: string;
        Limit: number;
        MessageId: components["schemas"]["MessageId"];
        PersonId: components["schemas"]["PersonId"];
        PersonKind: components["schemas"]["PersonKind"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAlerts: {
        parameters: {
            query?: {
                kind?: components["schemas"]["AlertKind"];
                limit?: components["parameters"]["Limit"];
                status?: components["schemas"]["AlertStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The alerts, at most `limit` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    closeAlert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                alertId: components["schemas"]["Uuid"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CloseAlertRequest"];
            };
        };
        responses: {
            /** @description The alert, closed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloseAlertResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listApprovals: {
        parameters: {
            query?: {
                accountId?: components["schemas"]["Id"];
                appId?: components["schemas"]["Id"];
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: components["parameters"]["Cursor"];
                limit?: components["parameters"]["Limit"];
                status?: components["schemas"]["ApprovalStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of approvals */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalPage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The held message */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeldMessage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    approveMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ApproveRequest"];
            };
        };
        responses: {
            /** @description The approval was recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    commentMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CommentRequest"];
            };
        };
        responses: {
            /** @description The comment was recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    rejectMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RejectRequest"];
            };
        };
        responses: {
            /** @description The message was rejected; it will never be delivered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    revokeAppTokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appId: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RevokeTokensRequest"];
            };
        };
        responses: {
            /** @description How many tokens were revoked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevokeTokensResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /** @description The actor's subject */
                actor?: string;
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: components["parameters"]["Cursor"];
                /** @description Events at or after this instant */
                from?: string;
                limit?: components["parameters"]["Limit"];
                order?: "asc" | "desc";
                outcome?: components["schemas"]["AuditOutcome"];
                target?: string;
                /** @description Events before this instant */
                to?: string;
                type?: components["schemas"]["AuditEventType"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of audit events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventPage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    verifyAuditLog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verification report (ok false when anything was found) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerifyReport"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    bindPersons: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BindRequest"];
            };
        };
        responses: {
            /** @description The binding was recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BindingResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unbindPersons: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UnbindRequest"];
            };
        };
        responses: {
            /** @description The unbinding was recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BindingResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listContentItems: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: components["parameters"]["Cursor"];
                kind?: components["schemas"]["ContentItemKind"];
                limit?: components["parameters"]["Limit"];
                status?: components["schemas"]["ContentItemStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of items */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemPage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateContentItemRequest"];
            };
        };
        responses: {
            /** @description The new draft */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The item */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItem"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    approveContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContentTransitionRequest"];
            };
        };
        responses: {
            /** @description The item, approved */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listContentItemMessages: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: components["parameters"]["Cursor"];
                limit?: components["parameters"]["Limit"];
            };
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of messages */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemMessagePage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    rejectContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContentNoteRequest"];
            };
        };
        responses: {
            /** @description The item, back to draft */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    retireContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContentNoteRequest"];
            };
        };
        responses: {
            /** @description The item, retired */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    reviseContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReviseContentItemRequest"];
            };
        };
        responses: {
            /** @description The item at its new version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    submitContentItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: components["parameters"]["ContentItemId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContentTransitionRequest"];
            };
        };
        responses: {
            /** @description The item, submitted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContentItemResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listCustomerRecords: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: components["parameters"]["Cursor"];
                decrypt?: boolean;
                limit?: components["parameters"]["Limit"];
            };
            header?: never;
            path: {
                customerId: components["schemas"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerRecordPage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listHandovers: {
        parameters: {
            query?: {
                corp?: components["schemas"]["Id"];
                limit?: components["parameters"]["Limit"];
                status?: components["schemas"]["HandoverStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The hand-overs, at most `limit` (without their customers and groups; see getHandover) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandoverList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    startHandover: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartHandoverRequest"];
            };
        };
        responses: {
            /** @description The hand-over, started (or the one a retried requestId started) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handover"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getHandover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                handoverId: components["schemas"]["Uuid"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The hand-over */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handover"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getMessageStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                messageId: components["parameters"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message's status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageStatus"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getPersonBindings: {
        parameters: {
            query: {
                /** @description The Official Account (openid, unionid) or WeCom corp (external_userid) the id belongs to, as configured */
                account: components["parameters"]["Account"];
            };
            header?: never;
            path: {
                kind: components["parameters"]["PersonKind"];
                personId: components["parameters"]["PersonId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The current binding and its history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonBindings"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getPersonConsent: {
        parameters: {
            query: {
                /** @description The Official Account (openid, unionid) or WeCom corp (external_userid) the id belongs to, as configured */
                account: components["parameters"]["Account"];
            };
            header?: never;
            path: {
                kind: components["parameters"]["PersonKind"];
                personId: components["parameters"]["PersonId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The derived state and every ledger entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonConsent"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    recordPersonConsent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: components["parameters"]["PersonKind"];
                personId: components["parameters"]["PersonId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecordConsentRequest"];
            };
        };
        responses: {
            /** @description The entries recorded and the state after them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecordConsentResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    evaluatePolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PolicyEvalRequest"];
            };
        };
        responses: {
            /** @description The decision the live policy would take */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Decision"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    answerAccessRequest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccessRequest"];
            };
        };
        responses: {
            /** @description The access file (Content-Disposition attachment) */
            200: {
                headers: {
                    /** @description attachment; filename="pipl-access-<record id>.json" */
                    "Content-Disposition"?: string;
                    /** @description The id of the archived rights.access record */
                    "x-cgw-record-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessFile"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    liftRestriction: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RightsRequest"];
            };
        };
        responses: {
            /** @description The restriction was lifted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RightsResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    restrictProcessing: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RightsRequest"];
            };
        };
        responses: {
            /** @description The restriction was recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RightsResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listRmRecords: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page (opaque) */
                cursor?: components["parameters"]["Cursor"];
                decrypt?: boolean;
                limit?: components["parameters"]["Limit"];
            };
            header?: never;
            path: {
                corp: components["schemas"]["Id"];
                userid: components["schemas"]["WecomUserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of records, and the hand-overs the RM was part of */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RmRecordPage"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    whoami: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The authenticated caller */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WhoAmI"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
}
