// Generated from openapi.yaml by `npm run generate`. Do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness; answers while the process runs. */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness; 200 when the database answers, 503 otherwise. */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Provider connections of the caller's tenant. */
        get: operations["listProviders"];
        put?: never;
        /**
         * Connect a secret store.
         * @description `configuration` is validated against the JSON Schema of `type` (see `GET /api/v1/providers/catalog`);
         *     every error is reported with its path. Credential fields are encrypted at rest and returned as
         *     `***ENCRYPTED***`.
         */
        post: operations["createProvider"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Provider types the loaded plugins offer, with their configuration JSON Schemas. */
        get: operations["getProviderCatalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/{providerRef}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        get: operations["getProvider"];
        /**
         * Replace a provider's name, description and configuration.
         * @description A credential field sent as `***ENCRYPTED***` keeps its stored value, so a client can send back
         *     what it read. The type and slug cannot change.
         */
        put: operations["updateProvider"];
        post?: never;
        /** Remove a provider connection (refused while a project uses it, and for the system provider). */
        delete: operations["deleteProvider"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/{providerRef}/test": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check connectivity and credentials of a provider. */
        post: operations["testProvider"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The projects the caller may see.
         * @description Tenant Owners and Admins see all; tenant Users and Viewers only the projects they are members
         *     of; a project key its own project.
         */
        get: operations["listProjects"];
        put?: never;
        /** Create a project; it gets the tenant's system provider unless `providerIds` names others. */
        post: operations["createProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        get: operations["getProject"];
        put: operations["updateProject"];
        post?: never;
        /** Delete a project and its environments (Keygate's records only; values stay in providers). */
        delete: operations["deleteProject"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/providers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        get: operations["listProjectProviders"];
        put?: never;
        /** Assign providers (ids or slugs) to the project; already assigned ones are left as they are. */
        post: operations["assignProjectProviders"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/providers/{providerRef}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Unassign a provider from the project (refused while an environment of the project uses it). */
        delete: operations["unassignProjectProvider"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        /**
         * The project's environments the caller may see.
         * @description Restricted environments (a non-empty member list) are left out for project members who are not
         *     on their list (project Owners and tenant Owners/Admins see them all); an environment key sees
         *     only its environment.
         */
        get: operations["listEnvironments"];
        put?: never;
        /** Create an environment; it gets all the project's providers (in order) unless `providerIds` names a subset. */
        post: operations["createEnvironment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        get: operations["getEnvironment"];
        put: operations["updateEnvironment"];
        post?: never;
        /** Delete an environment (Keygate's records only; values stay in providers). */
        delete: operations["deleteEnvironment"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        get: operations["listEnvironmentProviders"];
        /** Replace the environment's provider list; the order given is the priority order. */
        put: operations["setEnvironmentProviders"];
        /** Append providers (ids or slugs, assigned to the project) to the environment's priority list. */
        post: operations["assignEnvironmentProviders"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a provider from the environment (refused for the last one). */
        delete: operations["unassignEnvironmentProvider"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        /** All secrets of the environment, merged across its providers by priority. */
        get: operations["getEnvironmentSecrets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/secrets/version": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        /** Cheap change check; `version` increases on every write through Keygate. */
        get: operations["getEnvironmentSecretsVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        /** Secrets of the environment in one provider — metadata only, never values. */
        get: operations["listProviderSecrets"];
        put?: never;
        /** Create a secret in this provider (409 when the key exists). */
        post: operations["createSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        get: operations["getSecret"];
        /** Create or replace a secret. `ifVersion` makes it a compare-and-set (providers that support it). */
        put: operations["updateSecret"];
        post?: never;
        delete: operations["deleteSecret"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/keys/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The API key making this request, with its tenant, project and environment.
         * @description Project and environment fields are `null` for a tenant key; environment fields are `null`
         *     for a project key.
         */
        get: operations["getCurrentKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/environments/{environmentId}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        /**
         * API keys scoped to the environment (never their secrets).
         * @description Tenant Owners and Admins, and project Managers of the environment's project.
         */
        get: operations["listEnvironmentApiKeys"];
        put?: never;
        /**
         * Create an API key scoped to the environment; the key is shown only in this response.
         * @description `role` is `Consumer` (read secrets; the default) or `Member` (read and write secrets).
         *     Without `expiresInDays` the key does not expire.
         */
        post: operations["createEnvironmentApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/environments/{environmentId}/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        get: operations["getEnvironmentApiKey"];
        put?: never;
        post?: never;
        /** Revoke a key for good. */
        delete: operations["deleteEnvironmentApiKey"];
        options?: never;
        head?: never;
        /**
         * Enable or disable a key, or change its name and description.
         * @description A disabled key is refused on every replica within milliseconds.
         */
        patch: operations["updateEnvironmentApiKey"];
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        /**
         * Project Manager keys of the project (never their secrets).
         * @description Tenant Owners and Admins, and the project's own Manager keys (read only).
         */
        get: operations["listProjectApiKeys"];
        put?: never;
        /**
         * Create a project Manager key; the key is shown only in this response.
         * @description Tenant Owners and Admins only: a Manager key cannot create, change or delete Manager keys,
         *     not even of its own project. Without `expiresInDays` the key does not expire.
         */
        post: operations["createProjectApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        get: operations["getProjectApiKey"];
        put?: never;
        post?: never;
        /** Revoke a Manager key for good (tenant Owners and Admins). */
        delete: operations["deleteProjectApiKey"];
        options?: never;
        head?: never;
        /** Enable or disable a Manager key, or change its name and description (tenant Owners and Admins). */
        patch: operations["updateProjectApiKey"];
        trace?: never;
    };
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tenant API keys (never their secrets); tenant Owners and Admins. */
        get: operations["listTenantApiKeys"];
        put?: never;
        /**
         * Create a tenant API key; the key is shown only in this response.
         * @description Tenant Owners and Admins; only an Owner creates an `Owner` key (403 otherwise). Without
         *     `expiresInDays` the key does not expire.
         */
        post: operations["createTenantApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        get: operations["getTenantApiKey"];
        put?: never;
        post?: never;
        /** Revoke a tenant key for good; only an Owner deletes an `Owner` key (403 otherwise). */
        delete: operations["deleteTenantApiKey"];
        options?: never;
        head?: never;
        /**
         * Enable or disable a tenant key, or change its name and description.
         * @description Only an Owner changes an `Owner` key (403 otherwise).
         */
        patch: operations["updateTenantApiKey"];
        trace?: never;
    };
    "/api/v1/environments/{environmentId}/tokens/issue": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a short-lived, read-only token limited to secrets tagged with one of its scopes.
         * @description Any key that may read the environment's secrets (its own environment keys, Managers of its
         *     project, tenant Owners and Admins); a scoped token cannot issue tokens. The token is an
         *     environment `Consumer` key that expires after `ttlMinutes` (never after the issuing key) and
         *     sees only secrets whose Keygate metadata `tags.scope` (space-separated) names one of
         *     `scopes`: other secrets are left out of the environment read and are 404 when read singly.
         *     Issuance is audited (`token.issue`, with the reason and scopes; never the token).
         */
        post: operations["issueEnvironmentToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/access-logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's tenant's audit trail, newest first.
         * @description Tenant keys with the Owner, Admin or Viewer role. Rows of other tenants are never shown;
         *     refused requests whose tenant is unknown (`tenantId: null`) are shown to Owners and Admins only.
         *     Filters combine with AND. `from` is inclusive and `to` exclusive; `q` matches `target` or
         *     `action` case-insensitively as a literal substring (`%` and `_` have no special meaning).
         */
        get: operations["listAccessLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/access-logs/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Recompute the audit trail's hash chain and report the first broken link.
         * @description Tenant Owners and Admins. The chain spans the whole installation (all tenants), so `checked`
         *     counts every row and `brokenAtSeq` may name a row of another tenant.
         */
        post: operations["verifyAccessLogs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Local users of the caller's tenant (tenant Owners and Admins). */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create a local user who logs in with email and password.
         * @description Tenant Owners and Admins; only an Owner creates another Owner. The email is stored lowercased
         *     and is unique per tenant (409 otherwise). The password is stored as a scrypt hash and is never
         *     echoed, logged or audited.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a user; their access and refresh tokens stop working at once.
         * @description Only an Owner deletes an Owner (403 otherwise); the last enabled Owner cannot be deleted (409).
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /**
         * Change a user's tenant role, or disable or enable the user.
         * @description Tenant Owners and Admins. Only an Owner changes an Owner or makes someone Owner (403
         *     otherwise). The last enabled Owner of the tenant cannot be demoted or disabled (409). Disabling
         *     stops the user's access tokens, refresh tokens and personal keys at once on every replica;
         *     a demotion applies to the user's next request.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/v1/users/me/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The logged-in user's personal API keys (never their secrets).
         * @description Needs a user access token (any other caller gets 404). `role` is the user's current tenant role.
         */
        get: operations["listPersonalApiKeys"];
        put?: never;
        /**
         * Create a personal API key that acts as the logged-in user; shown only in this response.
         * @description Needs a user access token. The key acts with the user's tenant role as it is at each request
         *     (a demotion applies at once) and stops working when the user is disabled or deleted.
         */
        post: operations["createPersonalApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        get: operations["getPersonalApiKey"];
        put?: never;
        post?: never;
        /** Revoke one of the user's personal keys for good. */
        delete: operations["deletePersonalApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange email and password for an access token (JWT, 15 minutes) and a refresh token.
         * @description A wrong password and an unknown email answer the same 401. After 5 failed logins within
         *     15 minutes for one (client address, email), or 20 for one email, further attempts answer 429
         *     with `Retry-After`. Every attempt is audited as `auth.login` (never the password).
         *     `tenantSlug` picks the tenant when the same email exists in several.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for a new pair; the presented refresh token is revoked.
         * @description Refresh tokens rotate: each is accepted once. Presenting one that was already used or revoked
         *     revokes every refresh token of its user (it was copied) and answers 401.
         */
        post: operations["refreshToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke the caller's refresh token, or all of them with `all`.
         * @description Authenticated with the user's access token. The access token itself stays valid until it
         *     expires (at most 15 minutes).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/environments/{environmentId}/trust-domains": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        /**
         * The environment's trust domains (which workload tokens may be exchanged for its keys).
         * @description Needs `apiKeys.read` on the environment (a trust domain mints keys).
         */
        get: operations["listTrustDomains"];
        put?: never;
        /**
         * Create a trust domain.
         * @description Needs `apiKeys.write` on the environment. `provider` names a loaded identity provider
         *     (`GitHub`, `Kubernetes`, `OIDC`, or a plugin's). The rules must bind a subject: a GitHub
         *     domain names a repository or owner (`settings.repositoryId` preferred), a Kubernetes domain a
         *     service account, an OIDC domain has a `sub` rule (`Equals`, or `StartsWith`/`Glob` with a
         *     literal beginning). Rules that would accept every workload are refused (400, with the reason).
         */
        post: operations["createTrustDomain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/environments/{environmentId}/trust-domains/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Would this token be accepted? Explains each trust domain's checks; issues no key.
         * @description Needs `apiKeys.read` on the environment. Every trust domain of the environment is tried and
         *     every check reported (issuer, algorithm, signature, audience, lifetime, each claim rule).
         *     The token is not consumed: it can still be exchanged afterwards. The token never appears in
         *     the audit trail.
         */
        post: operations["evaluateTrustDomains"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/environments/{environmentId}/trust-domains/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        get: operations["getTrustDomain"];
        /**
         * Replace a trust domain's definition (same body and checks as creation).
         * @description Keys already issued through the domain keep working until they expire; deleting the domain revokes them.
         */
        put: operations["updateTrustDomain"];
        post?: never;
        /**
         * Delete a trust domain; no further exchanges through it.
         * @description Also revokes every key issued through the domain, on every replica within a second (the usual reason to delete one is a workload that must lose access now). The audit row of the deletion counts the unexpired keys revoked (`details.revokedKeys`).
         */
        delete: operations["deleteTrustDomain"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a workload's OIDC token for a short-lived environment key (keyless).
         * @description Unauthenticated: the OIDC token is the credential. The token's issuer selects the trust
         *     domains to try; `tenantSlug`, `projectSlug` and `environmentSlug` narrow them (needed only
         *     when the token satisfies domains of several environments). The token must be signed with an
         *     asymmetric algorithm by a key the issuer publishes, name the domain's audience, be within its
         *     lifetime (30 s leeway) and satisfy every rule; each token is accepted once (by `jti`, or by
         *     its hash when it has none). The key is an environment key with the domain's `grantedRole`,
         *     expiring after `issuedTokenTtlMinutes` (default 60). Every exchange, accepted or refused,
         *     is audited as `trust.exchange` with the reason, never the token. A refusal answers 401 with
         *     a `reason` code (details are for administrators: the audit trail and
         *     `POST …/trust-domains/evaluate`).
         */
        post: operations["exchangeOidcToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trust/exchange": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a workload's OIDC token for a short-lived key, naming the identity provider (Bella-compatible).
         * @description Same checks, key and audit as `POST /api/v1/token`, among the trust domains of `provider` only.
         */
        post: operations["exchangeTrustToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/members": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        /**
         * The project's members and their project roles.
         * @description Tenant Owners and Admins, and the project's Owners (`members.read`). Tenant Users and Viewers
         *     see a project only as its members; anyone else gets 404.
         */
        get: operations["listProjectMembers"];
        put?: never;
        /**
         * Make a user of the tenant a member of the project with a project role.
         * @description Name the user by `userId` or `email` (exactly one). Owner: everything in the project,
         *     members and keys included; Manager: environments, secrets and API keys (not Manager keys);
         *     Member: read and write secrets; Consumer: read. 409 when the user is a member already (use PUT
         *     to change the role). Tenant Owners and Admins and project Owners (`members.write`).
         */
        post: operations["addProjectMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The member's user id. */
                userId: components["parameters"]["MemberUserId"];
            };
            cookie?: never;
        };
        get?: never;
        /** Change a member's project role; applies to their next request on every replica. */
        put: operations["updateProjectMember"];
        post?: never;
        /** Remove a member from the project (and from its environments' member lists), at once. */
        delete: operations["removeProjectMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/members": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        /**
         * The environment's member list; an empty list means every project member may use it.
         * @description While the list is non-empty the environment is restricted: project members who are not on
         *     it (other than project Owners) get 404 for the environment, its secrets and its API keys,
         *     and do not see it in listings. Each member acts in it by their project role.
         */
        get: operations["listEnvironmentMembers"];
        put?: never;
        /**
         * Put a project member on the environment's member list (restricting the environment).
         * @description Name the user by `userId` or `email` (exactly one); they must be a member of the project (409
         *     otherwise). Adding the first member restricts the environment at once.
         */
        post: operations["addEnvironmentMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description The member's user id. */
                userId: components["parameters"]["MemberUserId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Take a user off the environment's member list (removing the last one lifts the restriction). */
        delete: operations["removeEnvironmentMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}/rotation-policy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        /** The secret's rotation policy with its status. Credentials are masked `***ENCRYPTED***`. */
        get: operations["getRotationPolicy"];
        /**
         * Create or replace the secret's rotation policy.
         * @description For `HttpWebhook` the server generates the signing secret and returns it in `signingSecret`
         *     once (when the policy first gets one); afterwards it is masked. On replacement, an omitted or
         *     masked `apiKey` keeps the stored one (while `apiKeyHeader` is given). `endpoint` must be
         *     `https://` (plain `http://` only to loopback when `outbound.allowLoopback` is on). The first
         *     rotation is due `intervalDays` after creation (or use Rotate Now); changing `intervalDays`
         *     reschedules from the last rotation.
         */
        put: operations["putRotationPolicy"];
        post?: never;
        /** Remove the policy (and its run history). The secret's value is untouched. */
        delete: operations["deleteRotationPolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}/rotation-policy/rotate-signing-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace an HttpWebhook policy's signing secret; the new one is returned once.
         * @description The replaced secret keeps signing alongside the new one (a second `v1` in
         *     `X-Bella-Signature`) until `previousSigningSecretExpiresAt` (`rotation.signingSecretGraceHours`),
         *     so the function can be switched to the new secret without a failed call.
         */
        post: operations["rotateRotationSigningSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate Now. The rotation runs asynchronously; while a run is in progress, this joins it. */
        post: operations["rotateSecretNow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectRef}/environments/{envSlug}/rotation-policies": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        /** Every rotation policy of the environment with its status, ordered by provider and key. */
        get: operations["listRotationPolicies"];
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
        Ref: string;
        Slug: string;
        Name: string;
        Description: string;
        /** Format: uuid */
        Id: string;
        /** Format: date-time */
        Timestamp: string;
        SecretKey: string;
        /**
         * @description `json` values must parse as JSON; `binary` values are base64 of bytes, stored as bytes by providers whose `capabilities.binary` is true (AWS Secrets Manager `SecretBinary`) and as the base64 text elsewhere. A value the backend holds as bytes without Keygate metadata reads back as base64 with type `binary`.
         * @enum {string}
         */
        SecretType: "string" | "json" | "binary";
        Tags: {
            [key: string]: string;
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Problem: {
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            /** @description Stable machine-readable error code, e.g. NOT_FOUND, VERSION_CONFLICT, PROVIDER_UNAVAILABLE. */
            code?: string;
            /** @description Slug of the provider involved, for provider errors. */
            provider?: string;
            retryable?: boolean;
            errors?: {
                path: string;
                message: string;
            }[];
        };
        Page: {
            total: number;
            limit: number;
            offset: number;
        };
        ProviderCapabilities: {
            versions: boolean;
            compareAndSet: boolean;
            labels: boolean;
            binary: boolean;
            batchRead: boolean;
        };
        Provider: {
            id: components["schemas"]["Id"];
            slug: components["schemas"]["Slug"];
            name: components["schemas"]["Name"];
            type: string;
            description: string;
            /** @description The configuration with credential fields masked as `***ENCRYPTED***`. */
            configuration: {
                [key: string]: unknown;
            };
            capabilities: components["schemas"]["ProviderCapabilities"];
            /** @description The tenant's embedded `Local` provider (slug `system`); it cannot be deleted. */
            isSystem: boolean;
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
        };
        ProviderCreate: {
            name: components["schemas"]["Name"];
            slug?: components["schemas"]["Slug"];
            type: string;
            description?: components["schemas"]["Description"];
            /** @default {} */
            configuration: {
                [key: string]: unknown;
            };
        };
        ProviderUpdate: {
            name?: components["schemas"]["Name"];
            description?: components["schemas"]["Description"];
            configuration?: {
                [key: string]: unknown;
            };
        };
        ProviderList: components["schemas"]["Page"] & {
            items: components["schemas"]["Provider"][];
        };
        ProviderItems: {
            items: components["schemas"]["Provider"][];
        };
        ProviderIds: {
            providerIds: components["schemas"]["Ref"][];
        };
        ProviderCatalog: {
            types: {
                type: string;
                displayName: string;
                description: string;
                plugin: {
                    name: string;
                    version: string;
                };
                /** @description JSON Schema (2020-12) of `configuration`; credential properties carry `x-keygate-secret: true`. */
                configSchema: {
                    [key: string]: unknown;
                };
                secretFields: string[];
            }[];
        };
        ProviderTestResult: {
            ok: boolean;
            latencyMs: number;
            code?: string;
            detail?: string;
        };
        Project: {
            id: components["schemas"]["Id"];
            slug: components["schemas"]["Slug"];
            name: components["schemas"]["Name"];
            description: string;
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
        };
        ProjectCreate: {
            name: components["schemas"]["Name"];
            slug?: components["schemas"]["Slug"];
            description?: components["schemas"]["Description"];
            providerIds?: components["schemas"]["Ref"][];
        };
        ProjectUpdate: {
            name?: components["schemas"]["Name"];
            description?: components["schemas"]["Description"];
        };
        ProjectList: components["schemas"]["Page"] & {
            items: components["schemas"]["Project"][];
        };
        Environment: {
            id: components["schemas"]["Id"];
            projectId: components["schemas"]["Id"];
            slug: components["schemas"]["Slug"];
            name: components["schemas"]["Name"];
            description: string;
            /** @description Slugs of the environment's providers in priority order. */
            providers: string[];
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
        };
        EnvironmentCreate: {
            name: components["schemas"]["Name"];
            slug?: components["schemas"]["Slug"];
            description?: components["schemas"]["Description"];
            providerIds?: components["schemas"]["Ref"][];
        };
        EnvironmentUpdate: {
            name?: components["schemas"]["Name"];
            description?: components["schemas"]["Description"];
        };
        EnvironmentList: components["schemas"]["Page"] & {
            items: components["schemas"]["Environment"][];
        };
        EnvironmentSecrets: {
            environmentSlug: string;
            environmentName: string;
            secrets: {
                [key: string]: string;
            };
            /** Format: int64 */
            version: number;
            lastModified: components["schemas"]["Timestamp"];
        };
        EnvironmentSecretsVersion: {
            environmentSlug: string;
            /** Format: int64 */
            version: number;
            lastModified: components["schemas"]["Timestamp"];
        };
        SecretMetadata: {
            key: components["schemas"]["SecretKey"];
            /** @description Provider slug. */
            provider: string;
            description: string;
            type: components["schemas"]["SecretType"];
            tags: components["schemas"]["Tags"];
            /** @description The provider's version id, when it keeps versions. */
            version?: string;
            updatedAt?: components["schemas"]["Timestamp"];
        };
        SecretWithValue: {
            key: components["schemas"]["SecretKey"];
            provider: string;
            description: string;
            type: components["schemas"]["SecretType"];
            tags: components["schemas"]["Tags"];
            version?: string;
            updatedAt?: components["schemas"]["Timestamp"];
            value: string;
        };
        SecretMetadataList: {
            items: components["schemas"]["SecretMetadata"][];
        };
        SecretCreate: {
            key: components["schemas"]["SecretKey"];
            /** @description At most the server's `secrets.maxValueBytes` (default 64 KiB) in UTF-8. */
            value: string;
            description?: components["schemas"]["Description"];
            type?: components["schemas"]["SecretType"];
            tags?: components["schemas"]["Tags"];
        };
        SecretUpdate: {
            value: string;
            description?: components["schemas"]["Description"];
            type?: components["schemas"]["SecretType"];
            tags?: components["schemas"]["Tags"];
            /** @description Compare-and-set — write only if the provider's current version is this one (`null` = only if absent). */
            ifVersion?: string | null;
        };
        /**
         * @description The JSON response encrypted to the caller's `X-E2E-Public-Key`: a fresh server P-256 key,
         *     ECDH, HKDF-SHA256 (salt = 32 zero bytes, info = `bella-e2ee-v1`, 32 bytes), AES-256-GCM with a
         *     12-byte nonce; the 16-byte tag is sent separately. Every binary field is base64.
         */
        E2eeEnvelope: {
            /** @constant */
            encrypted: true;
            /** @constant */
            algorithm: "ECDH-P256-HKDF-SHA256-AES256GCM";
            serverPublicKey: string;
            nonce: string;
            tag: string;
            ciphertext: string;
        };
        KeyIdentity: {
            keyId: string;
            role: string;
            tenantId: components["schemas"]["Id"];
            tenantSlug: string;
            tenantName: string;
            projectId: string | null;
            projectSlug: string | null;
            projectName: string | null;
            environmentId: string | null;
            environmentSlug: string | null;
            environmentName: string | null;
        };
        /**
         * @description `Consumer` reads the environment's secrets; `Member` also writes them.
         * @enum {string}
         */
        ApiKeyRole: "Consumer" | "Member";
        ApiKeyCreate: {
            clientName?: string;
            description?: components["schemas"]["Description"];
            role?: components["schemas"]["ApiKeyRole"];
            expiresInDays?: number;
        };
        ApiKeyCreated: {
            id: components["schemas"]["Id"];
            /** @description `bax-{keyId}-{secret}`; shown only here. */
            apiKey: string;
            /** @description `bax-{keyId}`, safe to show. */
            keyPrefix: string;
            /** Format: date-time */
            expiresAt: string | null;
        };
        ApiKeyUpdate: {
            enabled?: boolean;
            clientName?: string;
            description?: components["schemas"]["Description"];
        };
        ApiKey: {
            id: components["schemas"]["Id"];
            keyPrefix: string;
            clientName: string;
            description: string;
            role: string;
            enabled: boolean;
            /** Format: date-time */
            expiresAt: string | null;
            createdAt: components["schemas"]["Timestamp"];
        };
        ApiKeyList: components["schemas"]["Page"] & {
            items: components["schemas"]["ApiKey"][];
        };
        /**
         * @description A tenant key grants what the tenant role of the same name grants.
         * @enum {string}
         */
        TenantApiKeyRole: "Owner" | "Admin" | "User" | "Viewer";
        TenantApiKeyCreate: {
            role: components["schemas"]["TenantApiKeyRole"];
            clientName?: string;
            description?: components["schemas"]["Description"];
            expiresInDays?: number;
        };
        ProjectApiKeyCreate: {
            /**
             * @description The only project key role (the default).
             * @enum {string}
             */
            role?: "Manager";
            clientName?: string;
            description?: components["schemas"]["Description"];
            expiresInDays?: number;
        };
        PersonalApiKeyCreate: {
            clientName?: string;
            description?: components["schemas"]["Description"];
            expiresInDays?: number;
        };
        /** @enum {string} */
        AuditActorType: "api-key" | "anonymous" | "system" | "user";
        /** @enum {string} */
        AuditOutcome: "success" | "denied" | "error";
        AuditEvent: {
            id: components["schemas"]["Id"];
            /** @description Position in the hash chain (increasing). */
            seq: number;
            occurredAt: components["schemas"]["Timestamp"];
            tenantId: string | null;
            actorType: components["schemas"]["AuditActorType"];
            /** @description The API key's key id, or `anonymous`. */
            actorId: string;
            action: string;
            targetType: string;
            target: string;
            outcome: components["schemas"]["AuditOutcome"];
            status: number | null;
            requestId: string | null;
            ip: string | null;
            /** @description Never values or credentials. */
            details: {
                [key: string]: unknown;
            };
        };
        AuditEventList: components["schemas"]["Page"] & {
            items: components["schemas"]["AuditEvent"][];
        };
        AuditVerification: {
            ok: boolean;
            /** @description Rows verified before the first broken link (all rows when `ok`). */
            checked: number;
            /** @description Only when `ok` is false. */
            brokenAtSeq?: number;
            /** @description Only when `ok` is false. */
            reason?: string;
        };
        TokenScope: string;
        TokenIssue: {
            scopes: components["schemas"]["TokenScope"][];
            ttlMinutes: number;
            /** @description Why the token is needed; recorded in the audit trail. */
            reason: string;
        };
        TokenIssued: {
            /** @description `bax-{keyId}-{secret}`; shown only here. */
            token: string;
            expiresAt: components["schemas"]["Timestamp"];
            scopes: components["schemas"]["TokenScope"][];
        };
        /** @enum {string} */
        TenantRole: "Owner" | "Admin" | "User" | "Viewer";
        /** Format: email */
        Email: string;
        Password: string;
        UserCreate: {
            email: components["schemas"]["Email"];
            password: components["schemas"]["Password"];
            tenantRole: components["schemas"]["TenantRole"];
        };
        UserCreated: {
            id: components["schemas"]["Id"];
            email: string;
            tenantRole: components["schemas"]["TenantRole"];
            createdAt: components["schemas"]["Timestamp"];
        };
        User: {
            id: components["schemas"]["Id"];
            email: string;
            tenantRole: components["schemas"]["TenantRole"];
            disabled: boolean;
            createdAt: components["schemas"]["Timestamp"];
        };
        UserList: components["schemas"]["Page"] & {
            items: components["schemas"]["User"][];
        };
        LoginRequest: {
            email: components["schemas"]["Email"];
            password: string;
            tenantSlug?: components["schemas"]["Slug"];
        };
        RefreshRequest: {
            refreshToken: string;
        };
        LogoutRequest: {
            refreshToken?: string;
            all?: boolean;
        };
        TokenPair: {
            /** @description HS256 JWT, valid 15 minutes; send as `Authorization: Bearer …`. */
            accessToken: string;
            /** @description Opaque; accepted once by `/api/v1/auth/refresh`. */
            refreshToken: string;
            /** @description When the access token expires. */
            expiresAt: components["schemas"]["Timestamp"];
            /** @enum {string} */
            tokenType: "Bearer";
        };
        /** @description A workload's OIDC token (a signed JWT). */
        WorkloadToken: string;
        ClaimRule: {
            /** @description A claim name; a dotted path reaches into objects (`kubernetes.io.namespace`). */
            claim: string;
            /**
             * @description Case-sensitive, on the whole claim value (numbers and booleans as their JSON text; a list
             *     claim matches when one element does). `Glob`: `*` any run without `/`, `**` any run,
             *     `?` one character other than `/`, `\` escapes; everything else is literal.
             * @enum {string}
             */
            operator: "Equals" | "StartsWith" | "Contains" | "Glob";
            value: string;
        };
        TrustDomainInput: {
            name: components["schemas"]["Name"];
            description?: components["schemas"]["Description"];
            /** @description Identity provider type (`GitHub`, `Kubernetes`, `OIDC`, …). */
            provider: string;
            /** @description The exact `iss` of accepted tokens (https; http only to loopback). Optional for `GitHub` (https://token.actions.githubusercontent.com). */
            issuer?: string;
            /** @description Required in the token's `aud`. */
            audience: string;
            claimRules?: components["schemas"]["ClaimRule"][];
            /** @description Provider-specific: GitHub `{repository, repositoryId, repositoryOwner, repositoryOwnerId, branch, ref, environment, workflow}`; Kubernetes `{serviceAccount: "namespace/name", tokenReview?: {apiServerUrl}}`. */
            settings?: {
                [key: string]: unknown;
            };
            /**
             * @description Role of the issued keys (default `Consumer`, read-only).
             * @enum {string}
             */
            grantedRole?: "Consumer" | "Member";
            /** @description Lifetime of issued keys (default 60). */
            issuedTokenTtlMinutes?: number;
        };
        TrustDomain: {
            id: components["schemas"]["Id"];
            environmentId: components["schemas"]["Id"];
            name: string;
            description: string;
            provider: string;
            issuer: string;
            audience: string;
            claimRules: components["schemas"]["ClaimRule"][];
            settings: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            grantedRole: "Consumer" | "Member";
            issuedTokenTtlMinutes: number;
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
        };
        TrustDomainList: components["schemas"]["Page"] & {
            items: components["schemas"]["TrustDomain"][];
        };
        TrustEvaluation: {
            /** @description Whether an exchange of this token would now yield a key of this environment. */
            accepted: boolean;
            /** @description The domain an exchange would use. */
            trustDomainId: components["schemas"]["Id"] | null;
            /** @description The token was already exchanged (each token is accepted once). */
            replayed: boolean;
            domains: {
                id: components["schemas"]["Id"];
                name: string;
                provider: string;
                accepted: boolean;
                /** @description Why the domain refuses the token (`wrong-issuer`, `bad-signature`, `claim-mismatch`, …). */
                reason: string | null;
                checks: {
                    check: string;
                    passed: boolean;
                    detail: string;
                }[];
            }[];
        };
        /** @enum {string} */
        ProjectRole: "Owner" | "Manager" | "Member" | "Consumer";
        ProjectMember: {
            userId: components["schemas"]["Id"];
            email: string;
            role: components["schemas"]["ProjectRole"];
            createdAt: components["schemas"]["Timestamp"];
        };
        ProjectMemberList: components["schemas"]["Page"] & {
            items: components["schemas"]["ProjectMember"][];
        };
        /** @description Exactly one of `userId` and `email`. */
        ProjectMemberCreate: {
            userId?: components["schemas"]["Id"];
            email?: components["schemas"]["Email"];
            role: components["schemas"]["ProjectRole"];
        };
        ProjectMemberUpdate: {
            role: components["schemas"]["ProjectRole"];
        };
        /** @description Exactly one of `userId` and `email`. */
        EnvironmentMemberCreate: {
            userId?: components["schemas"]["Id"];
            email?: components["schemas"]["Email"];
        };
        EnvironmentMemberList: {
            /** @description Whether the list is non-empty, i.e. only its members (and project Owners) may use the environment. */
            restricted: boolean;
            items: components["schemas"]["ProjectMember"][];
        };
        UserUpdate: {
            tenantRole?: components["schemas"]["TenantRole"];
            /** @description A disabled user's access tokens, refresh tokens and personal keys stop working at once. */
            disabled?: boolean;
        };
        /** @enum {string} */
        RotationStrategyName: "GenerateRandom" | "HttpWebhook";
        /**
         * @description GenerateRandom: uuid (v4), hex32 (16 bytes as 32 hex), base64-32 (32 bytes, base64), alphanumeric-32 (32 chars A-Za-z0-9).
         * @enum {string}
         */
        RandomFormat: "uuid" | "hex32" | "base64-32" | "alphanumeric-32";
        RotationPolicyWrite: {
            enabled: boolean;
            intervalDays: number;
            strategy: components["schemas"]["RotationStrategyName"];
            /** @description HttpWebhook only (required there). https, or http to loopback when allowed by configuration. */
            endpoint?: string;
            /** @description HttpWebhook only; sent as an extra header `{apiKeyHeader}: {apiKey}`. */
            apiKeyHeader?: string;
            /** @description HttpWebhook only; encrypted at rest, masked in responses. Omitted or `***ENCRYPTED***` keeps the stored one. */
            apiKey?: string;
            randomFormat?: components["schemas"]["RandomFormat"];
            /** @description HttpWebhook only; grace before the old handle is revoked (0 = at once). Default 7. */
            revokePreviousAfterDays?: number;
        };
        /** @enum {string} */
        RotationStatusState: "UpToDate" | "DueSoon" | "Overdue" | "Rotating" | "PendingRevocation" | "Error" | "Disabled";
        RotationStatus: {
            state: components["schemas"]["RotationStatusState"];
            /** @description Up to date / Due soon (≤ 7 days) / Overdue / Rotating… / Pending revocation / Error / Disabled. */
            label: string;
            nextRotationAt: components["schemas"]["Timestamp"];
            /** Format: date-time */
            lastRotatedAt: string | null;
            /** @description Why the last run failed (never a value or credential). */
            lastError?: string;
            revocationDueAt?: components["schemas"]["Timestamp"];
            lastRunId?: components["schemas"]["Id"];
        };
        RotationPolicy: {
            id: components["schemas"]["Id"];
            projectSlug: string;
            environmentSlug: string;
            /** @description Provider slug. */
            provider: string;
            secretKey: components["schemas"]["SecretKey"];
            enabled: boolean;
            intervalDays: number;
            strategy: components["schemas"]["RotationStrategyName"];
            endpoint?: string;
            apiKeyHeader?: string;
            /** @description Always `***ENCRYPTED***`. */
            apiKey?: string;
            randomFormat?: components["schemas"]["RandomFormat"];
            revokePreviousAfterDays?: number;
            /** @description HttpWebhook; in clear only in the response that created it, `***ENCRYPTED***` otherwise. */
            signingSecret?: string;
            previousSigningSecretExpiresAt?: components["schemas"]["Timestamp"];
            status: components["schemas"]["RotationStatus"];
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
        };
        RotationPolicyList: {
            items: components["schemas"]["RotationPolicy"][];
        };
        RotationRunAccepted: {
            runId: components["schemas"]["Id"];
            /** @description Idempotency key sent to an HttpWebhook function as `requestId`. */
            requestId: string;
            /** @enum {string} */
            state: "due" | "rotating" | "stored" | "pending_revocation" | "done" | "error";
            /** @enum {string} */
            trigger: "schedule" | "manual";
            dueAt: components["schemas"]["Timestamp"];
        };
    };
    responses: {
        /** @description An error (problem+json). */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Not ready. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description The member's user id. */
        MemberUserId: components["schemas"]["Id"];
        /**
         * @description base64 of a P-256 public key (SPKI DER). When sent, the 200 response is an `E2eeEnvelope`
         *     encrypted to this key instead of the plain JSON; a malformed key is refused (400).
         */
        E2ePublicKey: string;
        /** @description The key's id (as returned on creation), not its key id. */
        ApiKeyId: components["schemas"]["Id"];
        /** @description Environment id (UUID). */
        EnvironmentId: string;
        Limit: number;
        Offset: number;
        /** @description Provider slug or id. */
        ProviderRef: components["schemas"]["Ref"];
        /** @description Project slug or id. */
        ProjectRef: components["schemas"]["Ref"];
        /** @description Environment slug (or id). */
        EnvSlug: components["schemas"]["Ref"];
        SecretKey: components["schemas"]["SecretKey"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    listProviders: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of providers; credentials are masked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createProvider: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderCreate"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getProviderCatalog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalog. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderCatalog"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The provider; credentials are masked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    testProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Result of the check (a failed check is a 200 with `ok = false`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderTestResult"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listProjects: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of projects. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createProject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectCreate"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    listProjectProviders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Providers assigned to the project, in assignment order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderItems"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    assignProjectProviders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderIds"];
            };
        };
        responses: {
            /** @description Providers now assigned to the project. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderItems"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unassignProjectProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unassigned. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    listEnvironments: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of environments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createEnvironment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnvironmentCreate"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Environment"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getEnvironment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The environment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Environment"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateEnvironment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnvironmentUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Environment"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteEnvironment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    listEnvironmentProviders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The environment's providers in priority order (on a duplicate key the earlier wins; writes go to the first by default). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderItems"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    setEnvironmentProviders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderIds"];
            };
        };
        responses: {
            /** @description The environment's providers now, in priority order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderItems"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    assignEnvironmentProviders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderIds"];
            };
        };
        responses: {
            /** @description The environment's providers now, in priority order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderItems"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unassignEnvironmentProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    getEnvironmentSecrets: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description base64 of a P-256 public key (SPKI DER). When sent, the 200 response is an `E2eeEnvelope`
                 *     encrypted to this key instead of the plain JSON; a malformed key is refused (400).
                 */
                "X-E2E-Public-Key"?: components["parameters"]["E2ePublicKey"];
            };
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Key → value map (an `E2eeEnvelope` of it when `X-E2E-Public-Key` was sent). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentSecrets"] | components["schemas"]["E2eeEnvelope"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getEnvironmentSecretsVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Current version. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentSecretsVersion"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listProviderSecrets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Secret metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadataList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SecretCreate"];
            };
        };
        responses: {
            /** @description Created; the response carries metadata, not the value. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadata"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getSecret: {
        parameters: {
            query?: {
                /** @description Read an earlier version (providers whose capabilities include `versions`). */
                version?: string;
            };
            header?: {
                /**
                 * @description base64 of a P-256 public key (SPKI DER). When sent, the 200 response is an `E2eeEnvelope`
                 *     encrypted to this key instead of the plain JSON; a malformed key is refused (400).
                 */
                "X-E2E-Public-Key"?: components["parameters"]["E2ePublicKey"];
            };
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secret with its value (an `E2eeEnvelope` of it when `X-E2E-Public-Key` was sent). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretWithValue"] | components["schemas"]["E2eeEnvelope"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SecretUpdate"];
            };
        };
        responses: {
            /** @description Written; the response carries metadata, not the value. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecretMetadata"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    getCurrentKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The calling key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyIdentity"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listEnvironmentApiKeys: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of keys, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createEnvironmentApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyCreate"];
            };
        };
        responses: {
            /** @description Created. `apiKey` is not retrievable later. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getEnvironmentApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key (never its secret). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteEnvironmentApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    updateEnvironmentApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listProjectApiKeys: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of keys, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectApiKeyCreate"];
            };
        };
        responses: {
            /** @description Created. `apiKey` is not retrievable later. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key (never its secret). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    updateProjectApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listTenantApiKeys: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of keys, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createTenantApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TenantApiKeyCreate"];
            };
        };
        responses: {
            /** @description Created. `apiKey` is not retrievable later. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getTenantApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key (never its secret). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteTenantApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    updateTenantApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    issueEnvironmentToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenIssue"];
            };
        };
        responses: {
            /** @description Issued. `token` is not retrievable later. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenIssued"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listAccessLogs: {
        parameters: {
            query?: {
                environmentId?: components["schemas"]["Id"];
                projectId?: components["schemas"]["Id"];
                /** @description Exact action, e.g. `secret.read`. */
                action?: string;
                actorType?: components["schemas"]["AuditActorType"];
                /** @description Rows whose actor is this API key (its 32-hex key id). */
                keyId?: string;
                outcome?: components["schemas"]["AuditOutcome"];
                from?: components["schemas"]["Timestamp"];
                to?: components["schemas"]["Timestamp"];
                q?: string;
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit rows, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    verifyAccessLogs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The result of the verification (a broken chain is not an error). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerification"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users, oldest first (never their passwords). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserCreate"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserCreated"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listPersonalApiKeys: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of keys, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createPersonalApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PersonalApiKeyCreate"];
            };
        };
        responses: {
            /** @description Created. `apiKey` is not retrievable later. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getPersonalApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key (never its secret). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deletePersonalApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (as returned on creation), not its key id. */
                id: components["parameters"]["ApiKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Logged in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    refreshToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description A new pair. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    listTrustDomains: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of trust domains, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustDomainList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createTrustDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrustDomainInput"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustDomain"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    evaluateTrustDomains: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: components["schemas"]["WorkloadToken"];
                };
            };
        };
        responses: {
            /** @description The verdict and its explanation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustEvaluation"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getTrustDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trust domain. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustDomain"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateTrustDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrustDomainInput"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustDomain"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteTrustDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Environment id (UUID). */
                environmentId: components["parameters"]["EnvironmentId"];
                id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    exchangeOidcToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    oidcToken: components["schemas"]["WorkloadToken"];
                    tenantSlug?: components["schemas"]["Slug"];
                    projectSlug?: components["schemas"]["Slug"];
                    environmentSlug?: components["schemas"]["Slug"];
                };
            };
        };
        responses: {
            /** @description The key (shown only here). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `bax-…`: send as `Authorization: Bearer …`. */
                        token: string;
                        expiresAt: components["schemas"]["Timestamp"];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    exchangeTrustToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description `GitHub`, `Kubernetes`, `OIDC`, or a plugin's identity provider type. */
                    provider: string;
                    token: components["schemas"]["WorkloadToken"];
                    tenantSlug?: components["schemas"]["Slug"];
                    projectSlug?: components["schemas"]["Slug"];
                    environmentSlug?: components["schemas"]["Slug"];
                };
            };
        };
        responses: {
            /** @description The key (shown only here) and where it reads. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        apiKey: string;
                        expiresAt: components["schemas"]["Timestamp"];
                        projectSlug: string;
                        environmentSlug: string;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listProjectMembers: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of members, oldest membership first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectMemberList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    addProjectMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectMemberCreate"];
            };
        };
        responses: {
            /** @description Added. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectMember"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateProjectMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The member's user id. */
                userId: components["parameters"]["MemberUserId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectMemberUpdate"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectMember"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    removeProjectMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description The member's user id. */
                userId: components["parameters"]["MemberUserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    listEnvironmentMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The list. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentMemberList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    addEnvironmentMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnvironmentMemberCreate"];
            };
        };
        responses: {
            /** @description Added. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentMemberList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    removeEnvironmentMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description The member's user id. */
                userId: components["parameters"]["MemberUserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    getRotationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotationPolicy"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    putRotationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotationPolicyWrite"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotationPolicy"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotationPolicy"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteRotationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            default: components["responses"]["Problem"];
        };
    };
    rotateRotationSigningSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policy, with the new `signingSecret` in clear this once. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotationPolicy"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    rotateSecretNow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
                /** @description Provider slug or id. */
                providerRef: components["parameters"]["ProviderRef"];
                key: components["parameters"]["SecretKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted; follow it in the policy's `status`. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotationRunAccepted"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listRotationPolicies: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Project slug or id. */
                projectRef: components["parameters"]["ProjectRef"];
                /** @description Environment slug (or id). */
                envSlug: components["parameters"]["EnvSlug"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policies. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotationPolicyList"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
}
