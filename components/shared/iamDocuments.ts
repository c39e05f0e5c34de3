/**
 * IAM policy documents as AWS renders them, and the trust policy every
 * Lambda execution role of the library uses. One definition for the
 * components that build Lambda roles (ImagePipeline, UserAuth, MessageTable).
 */

/** An IAM policy statement as AWS renders it (`Resource` is absent only in trust policies). */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: "*" | Readonly<Record<string, string | readonly string[]>>;
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** A policy document of these statements. */
export const policyDocument = (...statements: PolicyStatement[]): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: statements,
});

/**
 * Trust policy of a function's execution role: only the Lambda service may
 * assume it, and only on behalf of this account (`aws:SourceAccount`, against
 * the confused deputy: another account's function cannot be given this role).
 */
export function lambdaTrustPolicy(accountId: string): PolicyDocument {
    return policyDocument({
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
}
