import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ensureFunctionBundle } from "../data/functionBundle";
import { nameTags } from "../shared/tags";
import { ValidationError } from "../shared/validation";
import { issuerUrl, jwksUrl, OAUTH_SCOPES, prefixDomainHost } from "./policies";
import { createPostConfirmationTrigger } from "./postConfirmationTrigger";
import { type MfaMode, resolveUserAuthSettings, type ThreatProtection, withSiteUrlAdded } from "./settings";

/** `urls`, plus `<siteUrl>/` once the site's URL is known. */
function withSiteUrl(urls: string[], siteUrl: pulumi.Input<string> | undefined): pulumi.Input<string[]> {
    return siteUrl === undefined ? urls : pulumi.output(siteUrl).apply((u) => withSiteUrlAdded(urls, u));
}

/**
 * Where the post-confirmation trigger runs and which database it writes the
 * confirmed user to (with IAM database authentication as `databaseUser`).
 */
export interface PostConfirmationTriggerArgs {
    /** VPC of the database (the function's security group belongs to it). */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Private subnets for the function, in at least two availability zones
     * (it needs no route to the internet: the IAM token is signed locally).
     * A list of ids, or a whole `Output<string[]>` such as
     * `SecureVpc.privateSubnetIds`, checked by the same rules once known.
     */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Host name of the PostgreSQL server (PostgresDb's `address`). */
    readonly databaseHost: pulumi.Input<string>;
    /** Port of the server. @default 5432 */
    readonly databasePort?: pulumi.Input<number>;
    /** Database holding the users table (PostgresDb's `dbName`). */
    readonly databaseName: pulumi.Input<string>;
    /**
     * Database user the function signs in as (granted `rds_iam` and INSERT on
     * the users table by the application's migrations; never the master user).
     */
    readonly databaseUser: string;
    /** The database's security group: the function's egress goes to it (and, by default, an ingress rule from the function). */
    readonly databaseSecurityGroupId: pulumi.Input<string>;
    /**
     * Add the ingress rule from the function to the database's security group. Set false when the
     * database component admits it itself (`PostgresDb.allowFrom(..., triggerSecurityGroupId)`).
     * @default true
     */
    readonly manageDatabaseIngress?: boolean;
    /** PostgresDb's `iamConnectArnPrefix`; the function may connect as `<prefix>/<databaseUser>` only. */
    readonly iamConnectArnPrefix: pulumi.Input<string>;
    /** Table receiving the users (`table` or `schema.table`). @default "users" */
    readonly usersTable?: string;
}

/**
 * Arguments of {@link UserAuth}. Switches, sizes, lists and names are plain
 * values because they are validated before anything is registered; ids and
 * ARNs may be Outputs.
 */
export interface UserAuthArgs {
    /**
     * Production switch: deletion protection on (and not removable), the pool
     * registered with `protect` and `retainOnDelete`, local URLs refused, logs
     * kept at least 30 days.
     * @default false
     */
    readonly production?: boolean;
    /**
     * Redirect URIs of the single-page app after sign-in (https; `http://localhost`
     * only with allowLocalhostUrls). At least one, unless siteUrl is given.
     */
    readonly callbackUrls: string[];
    /**
     * The site's own URL when it is only known at deploy time (a CloudFront
     * distribution's `https://<id>.cloudfront.net`, without a path): `<siteUrl>/`
     * is added to the callback URLs and, when logoutUrls is unset, to the logout URLs.
     * @default unset
     */
    readonly siteUrl?: pulumi.Input<string>;
    /** Where users land after sign-out. @default each distinct origin of callbackUrls (and siteUrl), followed by `/` */
    readonly logoutUrls?: string[];
    /**
     * Accept `http://localhost`, `http://127.0.0.1` and `http://[::1]` URLs in
     * callbackUrls and logoutUrls (local development). Refused in production.
     * @default false
     */
    readonly allowLocalhostUrls?: boolean;
    /**
     * Prefix of the managed login domain `<prefix>.auth.<region>.amazoncognito.com`
     * (unique across all AWS accounts of the region; may not contain aws, amazon or cognito).
     * @default `<project>-<stack>-<name>-<account id>`, lowercased, without aws/amazon/cognito
     */
    readonly domainPrefix?: string;
    /**
     * Custom domain of the managed login pages (e.g. auth.example.com) instead
     * of a prefix; point an alias record at the `domainCloudFrontTarget` output.
     * @default undefined (a prefix domain)
     */
    readonly customDomain?: string;
    /** ACM certificate in us-east-1 covering customDomain (required with it). @default undefined */
    readonly customDomainCertificateArn?: pulumi.Input<string>;
    /** Multi-factor authentication with TOTP authenticator apps. @default "OPTIONAL" */
    readonly mfa?: MfaMode;
    /**
     * Cognito threat protection. Any value but "OFF" moves the pool to the
     * Plus feature plan, billed for every monthly active user (0.02 USD per
     * MAU in us-east-1, no free tier) instead of Essentials (10,000 MAUs free).
     * @default "OFF"
     */
    readonly threatProtection?: ThreatProtection;
    /** Minimum password length, 12 to 99 (lower, upper case, digit and symbol are also required). @default 12 */
    readonly passwordMinimumLength?: number;
    /** Users may sign up themselves (otherwise only administrators create users). @default true */
    readonly selfSignUp?: boolean;
    /** Access token lifetime, 5 to 1440 minutes. @default 60 */
    readonly accessTokenValidityMinutes?: number;
    /** ID token lifetime, 5 to 1440 minutes. @default 60 */
    readonly idTokenValidityMinutes?: number;
    /** Refresh token lifetime, 1 to 3650 days. @default 30 */
    readonly refreshTokenValidityDays?: number;
    /** Issue a new refresh token on each refresh and retire the old one. @default true */
    readonly refreshTokenRotation?: boolean;
    /** Seconds (0 to 60) a rotated refresh token still works, for client retries. @default 10 */
    readonly refreshTokenGracePeriodSeconds?: number;
    /** Cognito deletion protection (cannot be turned off in production). @default production */
    readonly deletionProtection?: boolean;
    /**
     * The post-confirmation trigger that inserts each confirmed user into
     * PostgreSQL.
     * @default undefined (no trigger)
     */
    readonly postConfirmation?: PostConfirmationTriggerArgs;
    /** Retention of the trigger's log group (at least 30 in production). @default 30 in production, else 7 */
    readonly logRetentionDays?: number;
    /** Tags merged into every taggable child (each also gets a `Name` tag). @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What an API Gateway HTTP API JWT authorizer (or any JWT verifier) needs. */
export interface UserAuthJwtConfiguration {
    /** Expected `iss` claim. */
    readonly issuer: string;
    /** Accepted audiences: the app client id (Cognito access tokens carry it as `client_id`). */
    readonly audience: string[];
}

/**
 * Sign-up and sign-in with a Cognito user pool: email as the username and
 * verified, a 12+ character password policy, optional TOTP MFA, recovery by
 * email; a public app client for the single-page app (authorization code
 * flow, no secret, no implicit grant, rotating refresh tokens); managed login
 * pages on a prefix or custom domain; and optionally a post-confirmation
 * trigger in the VPC that inserts each confirmed user into PostgreSQL.
 */
export class UserAuth extends pulumi.ComponentResource {
    public static readonly TYPE = "aws-webapp:index:UserAuth";

    /** Id of the user pool (`<region>_<id>`). */
    public readonly userPoolId: pulumi.Output<string>;
    /** ARN of the user pool. */
    public readonly userPoolArn: pulumi.Output<string>;
    /** Id of the single-page app's public client (the OIDC client_id). */
    public readonly clientId: pulumi.Output<string>;
    /** OIDC issuer: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
    public readonly issuerUrl: pulumi.Output<string>;
    /** The pool's JSON Web Key Set URL. */
    public readonly jwksUrl: pulumi.Output<string>;
    /** Host name of the managed login pages (prefix or custom domain). */
    public readonly domain: pulumi.Output<string>;
    /** `https://<domain>`: base of the authorize, token and logout endpoints. */
    public readonly loginBaseUrl: pulumi.Output<string>;
    /** CloudFront host a custom domain's alias record points at (undefined for a prefix domain). */
    public readonly domainCloudFrontTarget: pulumi.Output<string | undefined>;
    /** Issuer and audience for an HTTP API JWT authorizer. */
    public readonly jwtAuthorizer: pulumi.Output<UserAuthJwtConfiguration>;
    /** Name of the post-confirmation function (for alarms), when there is one. */
    public readonly triggerFunctionName: pulumi.Output<string | undefined>;
    /** ARN of the post-confirmation function's execution role, when there is one. */
    public readonly triggerRoleArn: pulumi.Output<string | undefined>;
    /** Security group of the post-confirmation function, when there is one. */
    public readonly triggerSecurityGroupId: pulumi.Output<string | undefined>;
    /** Log group of the post-confirmation function, when there is one. */
    public readonly triggerLogGroupName: pulumi.Output<string | undefined>;

    constructor(name: string, args: UserAuthArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults, validation and the trigger's bundle before super(): bad input registers nothing.
        const s = resolveUserAuthSettings(name, args, pulumi.getProject(), pulumi.getStack());
        let bundleDir: string | undefined;
        if (s.trigger) {
            try {
                bundleDir = ensureFunctionBundle("post-confirmation").dir;
            } catch (e) {
                throw new ValidationError(`UserAuth "${name}"`, [`postConfirmation: ${(e as Error).message}`]);
            }
        }
        super(UserAuth.TYPE, name, {}, opts);

        const child = { parent: this };
        const tags = (n: string) => nameTags(n, args.tags);
        const region = aws.getRegionOutput({}, child).region;
        const accountId = aws.getCallerIdentityOutput({}, child).accountId;
        const prefix = s.domainPrefix ?? accountId.apply((a) => `${s.defaultDomainPrefixBase}-${a}`);

        const trigger =
            args.postConfirmation && s.trigger && bundleDir
                ? createPostConfirmationTrigger(this, name, args.postConfirmation, s, bundleDir, args.tags)
                : undefined;

        const poolName = `${name}-pool`;
        const pool = new aws.cognito.UserPool(
            poolName,
            {
                usernameAttributes: ["email"],
                usernameConfiguration: { caseSensitive: false },
                autoVerifiedAttributes: ["email"],
                // A changed email stays the old one until the user confirms the new one.
                userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
                schemas: [
                    {
                        name: "email",
                        attributeDataType: "String",
                        required: true,
                        mutable: true,
                        stringAttributeConstraints: { minLength: "0", maxLength: "2048" },
                    },
                ],
                passwordPolicy: {
                    minimumLength: s.passwordMinimumLength,
                    requireLowercase: true,
                    requireUppercase: true,
                    requireNumbers: true,
                    requireSymbols: true,
                    temporaryPasswordValidityDays: 3,
                    passwordHistorySize: 5,
                },
                mfaConfiguration: s.mfa,
                softwareTokenMfaConfiguration: s.mfa === "OFF" ? undefined : { enabled: true },
                accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
                adminCreateUserConfig: { allowAdminCreateUserOnly: !s.selfSignUp },
                deletionProtection: s.deletionProtection ? "ACTIVE" : "INACTIVE",
                userPoolTier: s.tier,
                userPoolAddOns: s.tier === "PLUS" ? { advancedSecurityMode: s.threatProtection } : undefined,
                lambdaConfig: trigger ? { postConfirmation: trigger.fn.arn } : undefined,
                tags: tags(poolName),
            },
            { ...child, protect: s.production, retainOnDelete: s.production },
        );

        const clientName = `${name}-spa-client`;
        const client = new aws.cognito.UserPoolClient(
            clientName,
            {
                userPoolId: pool.id,
                // A browser cannot keep a secret: a public client, authorization code flow only (the SPA sends
                // PKCE; Cognito has no switch to require it), no implicit grant, no client credentials.
                generateSecret: false,
                allowedOauthFlowsUserPoolClient: true,
                allowedOauthFlows: ["code"],
                allowedOauthScopes: [...OAUTH_SCOPES],
                supportedIdentityProviders: ["COGNITO"],
                callbackUrls: withSiteUrl(s.callbackUrls, args.siteUrl),
                logoutUrls: args.logoutUrls === undefined ? withSiteUrl(s.logoutUrls, args.siteUrl) : s.logoutUrls,
                // Refresh with rotation happens at the token endpoint; REFRESH_TOKEN_AUTH is refused with rotation.
                explicitAuthFlows: s.refreshTokenRotation
                    ? ["ALLOW_USER_SRP_AUTH"]
                    : ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                preventUserExistenceErrors: "ENABLED",
                enableTokenRevocation: true,
                accessTokenValidity: s.accessTokenValidityMinutes,
                idTokenValidity: s.idTokenValidityMinutes,
                refreshTokenValidity: s.refreshTokenValidityDays,
                tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
                refreshTokenRotation: s.refreshTokenRotation
                    ? { feature: "ENABLED", retryGracePeriodSeconds: s.refreshTokenGracePeriodSeconds }
                    : { feature: "DISABLED" },
            },
            child,
        );

        const domainName = `${name}-domain`;
        const domain = new aws.cognito.UserPoolDomain(
            domainName,
            {
                userPoolId: pool.id,
                domain: s.customDomain ?? prefix,
                certificateArn: s.customDomain ? args.customDomainCertificateArn : undefined,
                managedLoginVersion: 2,
            },
            child,
        );
        // Managed login (version 2) shows its pages only for clients that have a style.
        new aws.cognito.ManagedLoginBranding(
            `${name}-branding`,
            { userPoolId: pool.id, clientId: client.id, useCognitoProvidedValues: true },
            { ...child, dependsOn: [domain] },
        );

        if (trigger) {
            new aws.lambda.Permission(
                `${name}-cognito-invoke`,
                {
                    action: "lambda:InvokeFunction",
                    function: trigger.fn.name,
                    principal: "cognito-idp.amazonaws.com",
                    sourceArn: pool.arn,
                    sourceAccount: accountId,
                },
                child,
            );
        }

        this.userPoolId = pool.id;
        this.userPoolArn = pool.arn;
        this.clientId = client.id;
        this.issuerUrl = pulumi.all([region, pool.id]).apply(([r, id]) => issuerUrl(r, id));
        this.jwksUrl = pulumi.all([region, pool.id]).apply(([r, id]) => jwksUrl(r, id));
        this.domain = s.customDomain
            ? pulumi.output(s.customDomain)
            : pulumi.all([prefix, region]).apply(([p, r]) => prefixDomainHost(p, r));
        this.loginBaseUrl = this.domain.apply((d) => `https://${d}`);
        this.domainCloudFrontTarget = s.customDomain
            ? domain.cloudfrontDistribution.apply((t) => t as string | undefined)
            : pulumi.output(undefined);
        this.jwtAuthorizer = pulumi
            .all([this.issuerUrl, client.id])
            .apply(([issuer, id]): UserAuthJwtConfiguration => ({ issuer, audience: [id] }));
        this.triggerFunctionName = trigger
            ? trigger.fn.name.apply((n) => n as string | undefined)
            : pulumi.output(undefined);
        this.triggerRoleArn = trigger
            ? trigger.role.arn.apply((a) => a as string | undefined)
            : pulumi.output(undefined);
        this.triggerSecurityGroupId = trigger
            ? trigger.securityGroup.id.apply((i) => i as string | undefined)
            : pulumi.output(undefined);
        this.triggerLogGroupName = trigger
            ? trigger.logGroup.name.apply((n) => n as string | undefined)
            : pulumi.output(undefined);
        this.registerOutputs({
            userPoolId: this.userPoolId,
            userPoolArn: this.userPoolArn,
            clientId: this.clientId,
            issuerUrl: this.issuerUrl,
            jwksUrl: this.jwksUrl,
            domain: this.domain,
            loginBaseUrl: this.loginBaseUrl,
            domainCloudFrontTarget: this.domainCloudFrontTarget,
            jwtAuthorizer: this.jwtAuthorizer,
            triggerFunctionName: this.triggerFunctionName,
            triggerRoleArn: this.triggerRoleArn,
            triggerSecurityGroupId: this.triggerSecurityGroupId,
            triggerLogGroupName: this.triggerLogGroupName,
        });
    }
}
