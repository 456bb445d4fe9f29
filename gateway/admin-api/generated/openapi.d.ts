/**
 * Generated from gateway/admin-api/openapi.yaml by gateway/admin-api/generate-types.ts; do not edit.
 * Regenerate: tsx gateway/admin-api/generate-types.ts (a test fails while this file is stale).
 */
export interface paths {
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
        /**
         * @description How the actor was identified (anonymous for failed authentication, system for the gateway itself).
         * @enum {string}
         */
        ActorVia: "oidc" | "local-token" | "anonymous" | "system" | "app";
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
        AuditEventType: "admin.auth.failed" | "admin.access.denied" | "admin.approval.list" | "admin.approval.view" | "admin.approval.approve" | "admin.approval.reject" | "admin.approval.comment" | "admin.message.status" | "admin.policy.eval" | "admin.audit.list" | "admin.audit.verify" | "api.auth.failed" | "outbound.held" | "outbound.released" | "outbound.rejected" | "outbound.expired" | "outbound.denied_at_release" | "admin.app.tokens.revoke" | "page.rejected" | "consent.page_submitted" | "binding.page_bound";
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
        Permission: "whoami" | "approvals:read" | "approvals:decide" | "messages:read" | "policy:eval" | "audit:read" | "apps:manage";
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
        ProblemType: "https://cgw.dev/problems/unauthenticated" | "https://cgw.dev/problems/forbidden" | "https://cgw.dev/problems/route-not-found" | "https://cgw.dev/problems/method-not-allowed" | "https://cgw.dev/problems/invalid-json" | "https://cgw.dev/problems/unsupported-media-type" | "https://cgw.dev/problems/payload-too-large" | "https://cgw.dev/problems/validation-failed" | "https://cgw.dev/problems/not-found" | "https://cgw.dev/problems/approval-not-pending" | "https://cgw.dev/problems/approval-expired" | "https://cgw.dev/problems/self-approval" | "https://cgw.dev/problems/duplicate-approver" | "https://cgw.dev/problems/not-in-approver-group" | "https://cgw.dev/problems/invalid-request" | "https://cgw.dev/problems/service-unavailable" | "https://cgw.dev/problems/internal";
        /**
         * @description The closed set of decision reason codes (REASON_CODES in connectors/canonical/decision.ts; a test keeps them equal).
         * @enum {string}
         */
        ReasonCode: "policy.default_allow" | "consent.missing" | "consent.withdrawn" | "consent.stale" | "consent.unknown" | "binding.absent" | "binding.unknown" | "window.expired" | "window.quota_exhausted" | "window.unknown" | "lexicon.blocked" | "lexicon.held" | "lexicon.flagged" | "pii.blocked" | "pii.held" | "pii.detected" | "pii.masked" | "quota.app_exceeded" | "finra2210.threshold" | "approval.required" | "transform.disclaimer" | "transform.failed";
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
        RevokeTokensRequest: {
            accountId?: components["schemas"]["Id"];
        };
        RevokeTokensResult: {
            accountId?: components["schemas"]["Id"];
            appId: components["schemas"]["Id"];
            /** @description Live tokens revoked (they answer 40001 from now on, within the verification cache time of a few seconds) */
            revoked: number;
        };
        /** @enum {string} */
        Role: "it-admin" | "compliance-officer" | "compliance-supervisor" | "auditor";
        Sha256Hex: string;
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
        /** @description The nextCursor of the previous page (opaque) */
        Cursor: string;
        Limit: number;
        MessageId: components["schemas"]["MessageId"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
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
