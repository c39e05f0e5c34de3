/**
 * Pure pieces of JwksMirror: the function's policy, the bucket's policy, the
 * statement that lets a reader (the app's task role) get the copy, and the
 * names of the one object. Unit-tested directly.
 */
import { denyInsecureTransportStatement } from "../cdn/policies";
import { type PolicyDocument, policyDocument, type PolicyStatement } from "../shared/iamDocuments";

/** `arn:<partition>:s3:::<bucket>/<key>`: the copy. */
export function objectArn(bucketArn: string, key: string): string {
    return `${bucketArn}/${key}`;
}

/** `s3://<bucket>/<key>`: what the app's AUTH_JWKS_URI names. */
export function s3Uri(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
}

/**
 * The function's permissions: write exactly the copy's object and its own
 * log group. Nothing else: no read, no list, no other key (it downloads the
 * key set from a public URL).
 */
export function mirrorRolePolicy(c: { objectArn: string; logGroupArn: string }): PolicyDocument {
    return policyDocument(
        { Sid: "WriteTheCopy", Effect: "Allow", Action: "s3:PutObject", Resource: c.objectArn },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${c.logGroupArn}:*`,
        },
    );
}

/**
 * The bucket's policy: TLS only; with `readVpcEndpointIds`, reads of the
 * copy that do not come through one of those VPC endpoints are refused
 * (`aws:SourceVpce`; the readers are tasks in the VPC).
 */
export function mirrorBucketPolicy(c: {
    bucketArn: string;
    objectArn: string;
    readVpcEndpointIds: readonly string[];
}): PolicyDocument {
    const statements: PolicyStatement[] = [denyInsecureTransportStatement(c.bucketArn)];
    if (c.readVpcEndpointIds.length > 0) {
        statements.push({
            Sid: "DenyReadsOutsideTheVpc",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: c.objectArn,
            Condition: { StringNotEquals: { "aws:SourceVpce": [...c.readVpcEndpointIds] } },
        });
    }
    return policyDocument(...statements);
}

/** A task role statement (EcsEc2Service `taskRoleStatements`) that reads the copy and nothing else. */
export function jwksReadStatement<T>(copyArn: T): { sid: string; actions: string[]; resources: T[] } {
    return { sid: "ReadJwksCopy", actions: ["s3:GetObject"], resources: [copyArn] };
}
