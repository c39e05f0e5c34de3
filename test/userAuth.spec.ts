import { failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";
import { internetIngress, logGroupsWithoutRetention, policyDocuments, wildcardGrants } from "./harness/baseline";
import { expect } from "chai";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { UserAuth, type UserAuthArgs } from "../components";
import {
    defaultDomainPrefixBase,
    defaultLogoutUrls,
    domainPrefixProblem,
    redirectUrlProblem,
    siteUrlProblem,
    withSiteUrlAdded,
} from "../components/auth/settings";
import { dbUserArn, triggerRolePolicy } from "../components/auth/policies";

const POOL = "aws:cognito/userPool:UserPool";
const CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
const DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain";
const BRANDING = "aws:cognito/managedLoginBranding:ManagedLoginBranding";
const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

const DB_SG = "sg-0db0db0db0db0db00";
const CONNECT_PREFIX = "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY";
const SUBNETS = ["subnet-private-a", "subnet-private-b"];
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

const trigger = (): NonNullable<UserAuthArgs["postConfirmation"]> => ({
    vpcId: "vpc-0a1b2c3d4e5f67890",
    subnetIds: SUBNETS,
    databaseHost: "app-db.abc.us-east-1.rds.amazonaws.com",
    databaseName: "app",
    databaseUser: "auth_trigger",
    databaseSecurityGroupId: DB_SG,
    iamConnectArnPrefix: CONNECT_PREFIX,
});

const base = (extra: Partial<UserAuthArgs> = {}): UserAuthArgs => ({
    callbackUrls: ["https://app.example.com/auth/callback"],
    postConfirmation: trigger(),
    tags: { Project: "aws-webapp" },
    ...extra,
});

async function error(args: Partial<UserAuthArgs> & Record<string, unknown>): Promise<string> {
    return failsBeforeRegistering(() => new UserAuth("auth", { ...base(), ...args } as UserAuthArgs));
}

describe("UserAuth", function () {
    this.timeout(30_000);
    before(() => mocksReady);

    describe("rules", () => {
        it("checks domain prefixes as Cognito does", () => {
            expect(domainPrefixProblem("aws-webapp-dev-auth")).to.include('contains "aws"');
            expect(domainPrefixProblem("webapp-dev-auth")).to.equal(undefined);
            expect(domainPrefixProblem("-x")).to.match(/^is not a domain prefix/);
            expect(domainPrefixProblem("a".repeat(64))).to.match(/^is not a domain prefix/);
        });

        it("accepts https redirect URLs, and http only for localhost when allowed", () => {
            expect(redirectUrlProblem("https://app.example.com/cb", false)).to.equal(undefined);
            expect(redirectUrlProblem("http://app.example.com/cb", true)).to.equal(
                "is not https (Cognito accepts http only for localhost)",
            );
            expect(redirectUrlProblem("http://localhost:5173/cb", false)).to.match(/set allowLocalhostUrls/);
            expect(redirectUrlProblem("http://localhost:5173/cb", true)).to.equal(undefined);
            expect(redirectUrlProblem("https://app.example.com/#cb", false)).to.match(/fragment/);
            expect(redirectUrlProblem("https://u:p@app.example.com/", false)).to.equal("has credentials in it");
        });

        it("adds a site known only at deploy time as <origin>/, and refuses one that is not an https origin", () => {
            expect(withSiteUrlAdded(["http://localhost:5173/"], "https://d1.cloudfront.net")).to.deep.equal([
                "http://localhost:5173/",
                "https://d1.cloudfront.net/",
            ]);
            expect(withSiteUrlAdded(["https://d1.cloudfront.net/"], "https://d1.cloudfront.net/")).to.deep.equal([
                "https://d1.cloudfront.net/",
            ]);
            expect(siteUrlProblem("https://d1.cloudfront.net/app")).to.match(/^is not an origin/);
            expect(siteUrlProblem("http://d1.cloudfront.net")).to.match(/^is not https/);
            expect(() => withSiteUrlAdded([], "https://d1.cloudfront.net/x?y")).to.throw(
                /siteUrl: .* is not an origin/,
            );
        });

        it("derives logout URLs from the callback URLs' origins", () => {
            expect(
                defaultLogoutUrls(["https://a.example.com/cb", "https://a.example.com/x", "http://localhost:5173/cb"]),
            ).to.deep.equal(["https://a.example.com/", "http://localhost:5173/"]);
        });

        it("lets the trigger connect as its one database user and manage ENIs in its own subnets only", () => {
            const doc = triggerRolePolicy({
                partition: "aws",
                region: "us-east-1",
                accountId: "123456789012",
                iamConnectArnPrefix: CONNECT_PREFIX,
                databaseUser: "auth_trigger",
                logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x",
                subnetIds: SUBNETS,
                securityGroupId: "sg-0trigger000000000",
            });
            const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
            expect(bySid.ConnectAsTriggerUser.Resource).to.equal(`${CONNECT_PREFIX}/auth_trigger`);
            expect(bySid.CreateNetworkInterfacesInOwnSubnets.Resource).to.deep.equal([
                "arn:aws:ec2:us-east-1:123456789012:network-interface/*",
                "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-private-a",
                "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-private-b",
                "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0trigger000000000",
            ]);
            // The only "*" resource: the Describe calls, which have no resource-level permissions.
            const star = doc.Statement.filter((s) => s.Resource === "*");
            expect(star.map((s) => s.Action)).to.deep.equal([["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]]);
            expect(dbUserArn("p", "u")).to.equal("p/u");
        });
    });

    describe("validation before registration", () => {
        it("lists every bad argument at once, naming key, value and expectation", async () => {
            const message = await error({
                callbackUrls: ["http://app.example.com/cb"],
                mfa: "SMS" as any,
                passwordMinimumLength: 8,
                accessTokenValidityMinutes: 2,
                refreshTokenGracePeriodSeconds: 61,
                threatProtection: "ON" as any,
                postConfirmation: { ...trigger(), subnetIds: ["subnet-a"], databaseUser: "Admin" },
            });
            expect(message).to.equal(
                [
                    'UserAuth "auth": invalid values:',
                    '  - callbackUrls[0]: "http://app.example.com/cb" is not https (Cognito accepts http only for localhost)',
                    '  - mfa: "SMS" is not one of "OFF", "OPTIONAL", "ON"',
                    '  - threatProtection: "ON" is not one of "OFF", "AUDIT", "ENFORCED"',
                    "  - passwordMinimumLength: 8 is out of range: expected a whole number of characters from 12 to 99",
                    "  - accessTokenValidityMinutes: 2 is out of range: expected a whole number of minutes from 5 to 1440",
                    "  - refreshTokenGracePeriodSeconds: 61 is out of range: expected a whole number of seconds from 0 to 60",
                    '  - postConfirmation.subnetIds: ["subnet-a"] has fewer than two subnets: expected private subnets in at least two availability zones',
                    '  - postConfirmation.databaseUser: "Admin" is not a PostgreSQL user name: expected a lower-case letter or _ then up to 62 letters, digits or _ (it is also part of the rds-db:connect ARN)',
                ].join("\n"),
            );
        });

        it("refuses in production what only development may do", async () => {
            const message = await error({
                production: true,
                allowLocalhostUrls: true,
                deletionProtection: false,
                logRetentionDays: 7,
            });
            expect(message).to.include("allowLocalhostUrls: true cannot be set in production");
            expect(message).to.include("deletionProtection: false cannot be turned off for a production user pool");
            expect(message).to.include("logRetentionDays: 7 is below 30");
        });

        it("needs a us-east-1 certificate with a custom domain, and no prefix beside it", async () => {
            const message = await error({
                customDomain: "auth.example.com",
                domainPrefix: "webapp",
                customDomainCertificateArn: CERT.replace("us-east-1", "eu-west-1"),
            });
            expect(message).to.include('domainPrefix: "webapp" cannot be combined with customDomain');
            expect(message).to.include("is not an ACM certificate ARN in us-east-1");
            expect(await error({ customDomain: "auth.example.com" })).to.include(
                "customDomainCertificateArn: undefined is required with customDomain",
            );
        });

        it("refuses a prefix Cognito would refuse, and derives one it accepts", async () => {
            expect(await error({ domainPrefix: "my-aws-login" })).to.include(
                'domainPrefix: "my-aws-login" contains "aws", "amazon" or "cognito", which Cognito refuses',
            );
            expect(defaultDomainPrefixBase("aws-webapp", "dev", "auth")).to.equal("webapp-dev-auth");
            expect(defaultDomainPrefixBase("Amazon_Shop", "prod.eu", "Cognito")).to.equal("shop-prod-eu");
            expect(defaultDomainPrefixBase("aws", "", "")).to.equal("auth");
            fc.assert(
                fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }), fc.string(), (p, st, n) => {
                    expect(domainPrefixProblem(`${defaultDomainPrefixBase(p, st, n)}-123456789012`)).to.equal(
                        undefined,
                    );
                }),
                { numRuns: 300 },
            );
        });
    });

    describe("dev (defaults, local development URLs)", () => {
        let rec: Recording;
        let auth: UserAuth;
        before(async () => {
            rec = await record(() => {
                auth = new UserAuth(
                    "auth",
                    base({
                        domainPrefix: "webapp-dev",
                        allowLocalhostUrls: true,
                        callbackUrls: ["https://app.example.com/auth/callback", "http://localhost:5173/auth/callback"],
                    }),
                );
            });
        });

        it("signs users in by verified email with a 12+ character policy, optional TOTP, email recovery", () => {
            const pool = rec.one(POOL).inputs;
            expect(pool.usernameAttributes).to.deep.equal(["email"]);
            expect(pool.autoVerifiedAttributes).to.deep.equal(["email"]);
            expect(pool.passwordPolicy).to.include({
                minimumLength: 12,
                requireLowercase: true,
                requireUppercase: true,
                requireNumbers: true,
                requireSymbols: true,
            });
            expect(pool.mfaConfiguration).to.equal("OPTIONAL");
            expect(pool.softwareTokenMfaConfiguration).to.deep.equal({ enabled: true });
            expect(pool.smsConfiguration).to.equal(undefined);
            expect(pool.accountRecoverySetting).to.deep.equal({
                recoveryMechanisms: [{ name: "verified_email", priority: 1 }],
            });
            expect(pool.userPoolTier).to.equal("ESSENTIALS");
            expect(pool.userPoolAddOns).to.equal(undefined);
            expect(pool.deletionProtection).to.equal("INACTIVE");
            expect(rec.one(POOL).protect).to.equal(false);
        });

        it("has a public SPA client: code flow only, no secret, no implicit grant, rotating refresh tokens", () => {
            const client = rec.one(CLIENT).inputs;
            expect(client.generateSecret).to.equal(false);
            expect(client.allowedOauthFlows).to.deep.equal(["code"]);
            expect(client.allowedOauthFlowsUserPoolClient).to.equal(true);
            expect(client.allowedOauthScopes).to.deep.equal(["openid", "email", "profile"]);
            expect(client.explicitAuthFlows).to.deep.equal(["ALLOW_USER_SRP_AUTH"]);
            expect(client.refreshTokenRotation).to.deep.equal({ feature: "ENABLED", retryGracePeriodSeconds: 10 });
            expect(client).to.include({
                accessTokenValidity: 60,
                idTokenValidity: 60,
                refreshTokenValidity: 30,
                preventUserExistenceErrors: "ENABLED",
                enableTokenRevocation: true,
            });
            expect(client.callbackUrls).to.deep.equal([
                "https://app.example.com/auth/callback",
                "http://localhost:5173/auth/callback",
            ]);
            expect(client.logoutUrls).to.deep.equal(["https://app.example.com/", "http://localhost:5173/"]);
        });

        it("serves managed login on the prefix domain, with a style for the client", async () => {
            expect(rec.one(DOMAIN).inputs).to.include({ domain: "webapp-dev", managedLoginVersion: 2 });
            expect(rec.one(BRANDING).inputs).to.include({ useCognitoProvidedValues: true });
            expect(await valueOf(auth.domain)).to.equal("webapp-dev.auth.us-east-1.amazoncognito.com");
            expect(await valueOf(auth.loginBaseUrl)).to.equal("https://webapp-dev.auth.us-east-1.amazoncognito.com");
            expect(await valueOf(auth.domainCloudFrontTarget)).to.equal(undefined);
        });

        it("derives a globally unique prefix from project, stack, name and account by default", async () => {
            let plain: UserAuth | undefined;
            const r = await record(() => {
                plain = new UserAuth("auth", { callbackUrls: ["https://app.example.com/cb"] });
            });
            expect(r.one(DOMAIN).inputs.domain).to.equal("webapp-test-auth-123456789012");
            expect(await valueOf(plain!.domain)).to.equal(
                "webapp-test-auth-123456789012.auth.us-east-1.amazoncognito.com",
            );
        });

        it("outputs the issuer, JWKS and what a JWT authorizer needs", async () => {
            const poolId = rec.one(POOL).id;
            const clientId = rec.one(CLIENT).id;
            const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;
            expect(await valueOf(auth.issuerUrl)).to.equal(issuer);
            expect(await valueOf(auth.jwksUrl)).to.equal(`${issuer}/.well-known/jwks.json`);
            expect(await valueOf(auth.jwtAuthorizer)).to.deep.equal({ issuer, audience: [clientId] });
            expect(await valueOf(auth.userPoolId)).to.equal(poolId);
        });

        it("runs the trigger in the private subnets, reaching only the database", () => {
            const fn = rec.one(FUNCTION);
            expect(fn.inputs.vpcConfig.subnetIds).to.deep.equal(SUBNETS);
            expect(fn.inputs.timeout).to.equal(5);
            expect(rec.one(POOL).inputs.lambdaConfig.postConfirmation).to.equal(fn.state.arn);
            const sg = rec.one("aws:ec2/securityGroup:SecurityGroup");
            expect(sg.inputs.ingress ?? []).to.deep.equal([]);
            expect(sg.inputs.egress ?? []).to.deep.equal([]);
            expect(rec.one(EGRESS).inputs).to.include({
                securityGroupId: sg.id,
                referencedSecurityGroupId: DB_SG,
                fromPort: 5432,
                toPort: 5432,
            });
            expect(rec.one(INGRESS).inputs).to.include({
                securityGroupId: DB_SG,
                referencedSecurityGroupId: sg.id,
                fromPort: 5432,
            });
            expect(fn.inputs.vpcConfig.securityGroupIds).to.deep.equal([sg.id]);
        });

        it("gives the trigger its environment without any secret", () => {
            expect(rec.one(FUNCTION).inputs.environment.variables).to.deep.equal({
                DB_HOST: "app-db.abc.us-east-1.rds.amazonaws.com",
                DB_PORT: "5432",
                DB_NAME: "app",
                DB_USER: "auth_trigger",
                USERS_TABLE: "users",
                NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
            });
        });

        it("lets only this pool invoke the trigger, and the role only this account's Lambda", () => {
            const permission = rec.one(PERMISSION).inputs;
            expect(permission).to.include({
                principal: "cognito-idp.amazonaws.com",
                sourceArn: rec.one(POOL).state.arn,
                sourceAccount: "123456789012",
                action: "lambda:InvokeFunction",
            });
            const trust = JSON.parse(rec.one(ROLE).inputs.assumeRolePolicy);
            expect(trust.Statement[0].Condition).to.deep.equal({
                StringEquals: { "aws:SourceAccount": "123456789012" },
            });
            const policy = JSON.parse(rec.one(ROLE_POLICY).inputs.policy);
            const connect = policy.Statement.find((s: any) => s.Action === "rds-db:connect");
            expect(connect.Resource).to.equal(`${CONNECT_PREFIX}/auth_trigger`);
            const logs = policy.Statement.find((s: any) => s.Sid === "WriteOwnLogs");
            expect(logs.Resource).to.equal(`${rec.one(LOG_GROUP).state.arn}:*`);
        });

        it("meets the security baseline: no wildcard grant, no internet ingress, log retention", () => {
            expect(wildcardGrants(rec)).to.deep.equal([]);
            expect(internetIngress(rec)).to.deep.equal([]);
            expect(logGroupsWithoutRetention(rec)).to.deep.equal([]);
            expect(rec.one(LOG_GROUP).inputs.retentionInDays).to.equal(7);
            expect(policyDocuments(rec).length).to.be.greaterThan(1);
        });

        it("tags every taggable child with the caller's tags and its Name", () => {
            for (const r of rec.resources.filter((x) => x.inputs.tags !== undefined)) {
                expect(r.inputs.tags, r.name).to.deep.equal({ Project: "aws-webapp", Name: r.name });
            }
            expect(rec.resources.filter((x) => x.inputs.tags !== undefined).length).to.be.greaterThan(5);
        });
    });

    it("adds the site's URL once it is known (a distribution's domain): sign-in and sign-out return there", async () => {
        const rec = await record(
            () =>
                new UserAuth(
                    "auth",
                    base({
                        callbackUrls: [],
                        siteUrl: pulumi.output("https://d111111abcdef8.cloudfront.net"),
                    }),
                ),
        );
        const client = rec.one(CLIENT).inputs;
        expect(client.callbackUrls).to.deep.equal(["https://d111111abcdef8.cloudfront.net/"]);
        expect(client.logoutUrls).to.deep.equal(["https://d111111abcdef8.cloudfront.net/"]);
        // Known at construction: checked with the other arguments, before anything is registered.
        const message = await error({ callbackUrls: [], siteUrl: "http://d1.cloudfront.net" });
        expect(message).to.include('siteUrl: "http://d1.cloudfront.net" is not https');
        expect(await error({ callbackUrls: [] })).to.include("callbackUrls");
    });

    it("takes SecureVpc's whole Output list of private subnets for the trigger", async () => {
        const subnets = pulumi.output(SUBNETS);
        const rec = await record(
            () => new UserAuth("auth", base({ postConfirmation: { ...trigger(), subnetIds: subnets } })),
        );
        expect(rec.one(FUNCTION).inputs.vpcConfig.subnetIds).to.deep.equal(SUBNETS);
        const policy = JSON.parse(rec.one(ROLE_POLICY).inputs.policy);
        const create = policy.Statement.find((s: any) => s.Sid === "CreateNetworkInterfacesInOwnSubnets");
        expect(create.Resource).to.include("arn:aws:ec2:us-east-1:123456789012:subnet/subnet-private-b");
    });

    it("leaves the database's ingress rule to the database component when asked (manageDatabaseIngress false)", async () => {
        const rec = await record(
            () => new UserAuth("auth", base({ postConfirmation: { ...trigger(), manageDatabaseIngress: false } })),
        );
        expect(rec.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === DB_SG)).to.deep.equal([]);
        const egress = rec.one(EGRESS);
        expect(egress.inputs).to.include({ referencedSecurityGroupId: DB_SG, fromPort: 5432 });
        expect(await error({ postConfirmation: { ...trigger(), manageDatabaseIngress: "no" as never } })).to.include(
            'postConfirmation.manageDatabaseIngress: "no"',
        );
    });

    describe("prod (production switch, custom domain, threat protection, no trigger)", () => {
        let rec: Recording;
        let auth: UserAuth;
        before(async () => {
            rec = await record(() => {
                auth = new UserAuth("auth", {
                    production: true,
                    callbackUrls: ["https://app.example.com/auth/callback"],
                    customDomain: "auth.example.com",
                    customDomainCertificateArn: CERT,
                    threatProtection: "ENFORCED",
                    mfa: "ON",
                    refreshTokenRotation: false,
                });
            });
        });

        it("protects the pool: deletion protection, protect and retainOnDelete", () => {
            const pool = rec.one(POOL);
            expect(pool.inputs.deletionProtection).to.equal("ACTIVE");
            expect(pool.protect).to.equal(true);
            expect(pool.retainOnDelete).to.equal(true);
        });

        it("moves to the Plus plan for threat protection only when asked", () => {
            expect(rec.one(POOL).inputs.userPoolTier).to.equal("PLUS");
            expect(rec.one(POOL).inputs.userPoolAddOns).to.deep.equal({ advancedSecurityMode: "ENFORCED" });
            expect(rec.one(POOL).inputs.mfaConfiguration).to.equal("ON");
        });

        it("uses the custom domain with its certificate", async () => {
            expect(rec.one(DOMAIN).inputs).to.include({ domain: "auth.example.com", certificateArn: CERT });
            expect(await valueOf(auth.domain)).to.equal("auth.example.com");
        });

        it("without rotation, allows refresh through REFRESH_TOKEN_AUTH", () => {
            expect(rec.one(CLIENT).inputs.refreshTokenRotation).to.deep.equal({ feature: "DISABLED" });
            expect(rec.one(CLIENT).inputs.explicitAuthFlows).to.include("ALLOW_REFRESH_TOKEN_AUTH");
        });

        it("creates no function, role or security group without a trigger", async () => {
            expect(rec.ofType(FUNCTION)).to.deep.equal([]);
            expect(rec.ofType(ROLE)).to.deep.equal([]);
            expect(rec.one(POOL).inputs.lambdaConfig).to.equal(undefined);
            expect(await valueOf(auth.triggerFunctionName)).to.equal(undefined);
        });
    });
});
