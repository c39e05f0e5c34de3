/**
 * IAM database authentication: the password of each new connection is an
 * RDS authentication token, a SigV4-presigned `connect` URL signed locally
 * with the task role's credentials (no network call to an AWS API, so it
 * works in a VPC without NAT). A token is valid for 15 minutes; a cached one
 * is reused for at most 10, so every connection gets a token with 5 minutes
 * or more to go (PostgreSQL checks it only when the connection opens).
 */
import { Signer } from "@aws-sdk/rds-signer";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { PasswordProvider } from "./pool";

export interface IamTokenOptions {
    readonly hostname: string;
    readonly port: number;
    readonly username: string;
    readonly region: string;
    /** Signing credentials; default: the SDK's provider chain (the ECS task role). */
    readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    /** How long one token is reused (ms). @default 600000 */
    readonly reuseMs?: number;
    readonly now?: () => number;
}

/** A password provider returning RDS IAM authentication tokens for `username`. */
export function iamTokenProvider(options: IamTokenOptions): PasswordProvider {
    const signer = new Signer({
        hostname: options.hostname,
        port: options.port,
        username: options.username,
        region: options.region,
        ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    const reuseMs = options.reuseMs ?? 600_000;
    const now = options.now ?? Date.now;
    let cached: { token: string; at: number } | undefined;
    let pending: Promise<string> | undefined;
    return () => {
        if (cached && now() - cached.at < reuseMs) return Promise.resolve(cached.token);
        pending ??= signer
            .getAuthToken()
            .then((token) => {
                cached = { token, at: now() };
                return token;
            })
            .finally(() => {
                pending = undefined;
            });
        return pending;
    };
}
