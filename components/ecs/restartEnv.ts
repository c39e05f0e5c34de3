/**
 * The contract between {@link restartOnSecretRotation} (which writes these
 * environment variables) and the handler in lambda/restart-service (which
 * esbuild bundles together with this file, so it must import nothing): what
 * the function restarts comes from here, never from the event it receives.
 */
export const RESTART_ENV = {
    /** ARN of the cluster of the service. */
    cluster: "CLUSTER_ARN",
    /** Name of the service to force a new deployment of. */
    service: "SERVICE_NAME",
    /** ARN of the secret whose rotation restarts the service (events of any other secret are ignored). */
    secretArn: "SECRET_ARN",
} as const;

/** Secrets Manager's CloudTrail event of a finished rotation (a service event, not an API call). */
export const ROTATION_SUCCEEDED = "RotationSucceeded";
