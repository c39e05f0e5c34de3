/**
 * Pure pieces of UserAuth: the trigger's IAM documents, the OIDC URLs of a
 * user pool and the trigger's environment. Unit-tested directly.
 */
import { LAMBDA_RDS_CA_BUNDLE, TRIGGER_ENV } from "./triggerEnv";
import { type PolicyDocument, policyDocument as doc, type PolicyStatement } from "../shared/iamDocuments";
/** The execution role's trust policy (one definition: components/shared/iamDocuments.ts). */
export { lambdaTrustPolicy } from "../shared/iamDocuments";
export type { PolicyDocument, PolicyStatement };

export interface TriggerPermissions {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** `arn:aws:rds-db:<region>:<account>:dbuser:<resource id>` (PostgresDb's iamConnectArnPrefix). */
    readonly iamConnectArnPrefix: string;
    readonly databaseUser: string;
    /** ARN of the function's log group (without `:*`). */
    readonly logGroupArn: string;
    readonly subnetIds: readonly string[];
    readonly securityGroupId: string;
}

/** The database user ARN `rds-db:connect` names: the prefix, `/`, the user. */
export function dbUserArn(iamConnectArnPrefix: string, user: string): string {
    return `${iamConnectArnPrefix}/${user}`;
}

/**
 * The trigger's only policy: sign in to the database as its one user, write
 * its own log group, and manage its network interfaces in its own subnets
 * with its own security group (what AWSLambdaVPCAccessExecutionRole grants on
 * `*`, scoped here; the two Describe actions have no resource-level scope).
 */
export function triggerRolePolicy(p: TriggerPermissions): PolicyDocument {
    const ec2 = (resource: string) => `arn:${p.partition}:ec2:${p.region}:${p.accountId}:${resource}`;
    return doc(
        {
            Sid: "ConnectAsTriggerUser",
            Effect: "Allow",
            Action: "rds-db:connect",
            Resource: dbUserArn(p.iamConnectArnPrefix, p.databaseUser),
        },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${p.logGroupArn}:*`,
        },
        {
            Sid: "CreateNetworkInterfacesInOwnSubnets",
            Effect: "Allow",
            Action: "ec2:CreateNetworkInterface",
            Resource: [
                ec2("network-interface/*"),
                ...p.subnetIds.map((id) => ec2(`subnet/${id}`)),
                ec2(`security-group/${p.securityGroupId}`),
            ],
        },
        {
            Sid: "ManageOwnNetworkInterfaces",
            Effect: "Allow",
            Action: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            Resource: ec2("network-interface/*"),
        },
        {
            Sid: "DescribeNetworkInterfaces",
            Effect: "Allow",
            Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
            Resource: "*",
        },
    );
}

/** Issuer (`iss` claim) of a user pool's tokens. */
export function issuerUrl(region: string, userPoolId: string): string {
    return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** The pool's JSON Web Key Set. */
export function jwksUrl(region: string, userPoolId: string): string {
    return `${issuerUrl(region, userPoolId)}/.well-known/jwks.json`;
}

/** Host name of the managed login pages for a prefix domain. */
export function prefixDomainHost(prefix: string, region: string): string {
    return `${prefix}.auth.${region}.amazoncognito.com`;
}

export interface TriggerEnvironmentInput {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
    readonly usersTable: string;
}

/** The trigger's environment: where to connect and as whom (no secret: it signs in with IAM). */
export function triggerEnvironment(e: TriggerEnvironmentInput): Record<string, string> {
    return {
        [TRIGGER_ENV.dbHost]: e.host,
        [TRIGGER_ENV.dbPort]: String(e.port),
        [TRIGGER_ENV.dbName]: e.database,
        [TRIGGER_ENV.dbUser]: e.user,
        [TRIGGER_ENV.usersTable]: e.usersTable,
        [TRIGGER_ENV.extraCaCerts]: LAMBDA_RDS_CA_BUNDLE,
    };
}

/** The OAuth scopes the SPA client may request. */
export const OAUTH_SCOPES = ["openid", "email", "profile"] as const;
