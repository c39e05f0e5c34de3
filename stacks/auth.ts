/**
 * Sign-in wiring (issue 18): the environment's UserAuth (Cognito user pool,
 * the single-page app's public client, managed login domain) with its
 * post-confirmation trigger in the VPC's private subnets, signing in to the
 * database with IAM as its own role; what the application needs to check
 * tokens; and, for the HTTP API ingress (dev), the gateway's JWT authorizer.
 * In prod (ALB behind CloudFront) the application checks every token itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveJwksMirrorArgs } from "../components/auth/jwksMirror";
import { resolveUserAuthSettings } from "../components/auth/settings";
import {
    JwksMirror,
    jwksReadStatement,
    UserAuth,
    type PostgresDb,
    type SecureVpc,
    type UserAuthArgs,
    type UserAuthJwtConfiguration,
} from "../components";
import { LOCAL_CALLBACK_URL } from "./authConfig";
import type { TaskRoleStatement } from "../components/ecs/containerChecks";
import type { EnvironmentConfig } from "./config";
import { environmentTags } from "./environmentSteps";
import { step } from "./steps";

/** Database role of the post-confirmation trigger (created by the app's start-up migration). */
export const TRIGGER_DB_USER = "auth_trigger";

/**
 * Routes of the HTTP API that need no token: the health checks and the read
 * of an upload's renditions (the same list as the app's, app/src/auth/guard.ts).
 */
export const PUBLIC_ROUTE_KEYS = ["GET /api/health", "GET /api/health/db", "GET /api/images/{uploadId}"];

declare module "./steps" {
    interface Refs {
        auth: UserAuth;
        jwks: JwksMirror;
    }
}

/** The sign-in redirect URLs: configured, else the site's, plus the local server's when enabled, or when a
 * non-prod stack has nothing else (the pool needs one; prod without a site URL is refused by the config rules). */
export function callbackUrlsOf(config: EnvironmentConfig): { urls: string[]; local: boolean; siteKnown: boolean } {
    const configured = config.authCallbackUrls;
    const site = configured.length > 0 ? configured : config.domainName ? [`https://${config.domainName}/`] : [];
    const local = config.authLocalCallbacks || (site.length === 0 && config.environment !== "prod");
    const urls = [...site, ...(local && !site.includes(LOCAL_CALLBACK_URL) ? [LOCAL_CALLBACK_URL] : [])];
    return { urls, local, siteKnown: site.length > 0 };
}

/**
 * UserAuth's arguments for an environment: the pool, its SPA client, the trigger next to the database.
 * Without configured URLs or a domain, the site is the distribution's own domain, known once the
 * site exists (`siteUrl`): sign-in from the deployed site works there too.
 */
export function userAuthArgs(
    config: EnvironmentConfig,
    vpc: SecureVpc,
    db: PostgresDb,
    siteUrl?: pulumi.Input<string>,
): UserAuthArgs {
    const callbacks = callbackUrlsOf(config);
    return {
        production: config.environment === "prod",
        callbackUrls: callbacks.urls,
        ...(callbacks.siteKnown || siteUrl === undefined ? {} : { siteUrl }),
        allowLocalhostUrls: callbacks.local,
        mfa: config.authMfa,
        threatProtection: config.authThreatProtection,
        accessTokenValidityMinutes: config.authAccessTokenMinutes,
        idTokenValidityMinutes: config.authIdTokenMinutes,
        refreshTokenValidityDays: config.authRefreshTokenDays,
        postConfirmation: {
            vpcId: vpc.vpcId,
            subnetIds: vpc.privateSubnetIds,
            databaseHost: db.address,
            databasePort: db.port,
            databaseName: db.dbName,
            databaseUser: TRIGGER_DB_USER,
            databaseSecurityGroupId: db.securityGroupId,
            iamConnectArnPrefix: db.iamConnectArnPrefix,
            // The database admits the function itself (afterCreate), as it admits the service.
            manageDatabaseIngress: false,
        },
        logRetentionDays: config.logRetentionDays,
        tags: environmentTags(config),
    };
}

export const authStep = step({
    ref: "auth",
    component: "UserAuth",
    name: (c) => `${c.stack}-auth`,
    args: (c, refs) => userAuthArgs(c, refs.vpc, refs.db, refs.sitePrep.siteUrl),
    validate: (name, args) => resolveUserAuthSettings(name, args, pulumi.getProject(), pulumi.getStack()),
    create: (name, args) => new UserAuth(name, args),
    afterCreate: (auth, refs) => {
        refs.db.allowFrom(
            "auth-trigger",
            auth.triggerSecurityGroupId.apply((id) => id!),
        );
    },
    keys: {
        production: "environment",
        callbackUrls: "authCallbackUrls",
        siteUrl: "domainName",
        allowLocalhostUrls: "authLocalCallbacks",
        mfa: "authMfa",
        threatProtection: "authThreatProtection",
        accessTokenValidityMinutes: "authAccessTokenMinutes",
        idTokenValidityMinutes: "authIdTokenMinutes",
        refreshTokenValidityDays: "authRefreshTokenDays",
        postConfirmation: "",
    },
});

/**
 * The copy of the pool's key set the tasks read through the VPC's S3 gateway endpoint (dev's tasks
 * have no route to the internet; prod's then do not depend on NAT to check tokens either).
 */
export const jwksStep = step({
    ref: "jwks",
    component: "JwksMirror",
    name: (c) => `${c.stack}-jwks`,
    args: (c, refs) => ({
        jwksUrl: refs.auth.jwksUrl,
        readVpcEndpointIds: [refs.vpc.s3EndpointId],
        forceDestroy: c.environment !== "prod",
        logRetentionDays: c.logRetentionDays,
        tags: environmentTags(c),
    }),
    validate: (name, args) => resolveJwksMirrorArgs(name, args),
    create: (name, args) => new JwksMirror(name, args),
    keys: { jwksUrl: "", readVpcEndpointIds: "", forceDestroy: "environment" },
});

/**
 * Variables of the application's container: the issuer and client it accepts, where it reads the
 * pool's keys (the S3 copy), the trigger's role to create.
 */
export function authAppEnvironment(auth: UserAuth, jwks: JwksMirror): Record<string, pulumi.Input<string>> {
    return {
        AUTH_ISSUER: auth.issuerUrl,
        AUTH_CLIENT_ID: auth.clientId,
        AUTH_JWKS_URI: jwks.s3Uri,
        DB_TRIGGER_USER: TRIGGER_DB_USER,
    };
}

/** The task role's read of the key set's copy (that one object). */
export function authTaskRoleStatements(jwks: JwksMirror): TaskRoleStatement[] {
    return [jwksReadStatement(jwks.objectArn)];
}

/** EcsEc2Service arguments for the HTTP API ingress: the pool's JWT authorizer, the public routes. */
export function authServiceArgs(
    c: EnvironmentConfig,
    auth: UserAuth,
): { httpApiJwtAuthorizer?: pulumi.Output<UserAuthJwtConfiguration>; publicRouteKeys?: string[] } {
    return c.ingress === "httpApi"
        ? { httpApiJwtAuthorizer: auth.jwtAuthorizer, publicRouteKeys: [...PUBLIC_ROUTE_KEYS] }
        : {};
}
