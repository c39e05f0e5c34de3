/**
 * Sign-in (issue 18): Cognito app clients never use the implicit grant (tokens
 * in the URL fragment, no PKCE); a browser client (OAuth code flow with
 * redirect URLs) has no client secret, which a browser cannot keep; and a
 * production user pool cannot be deleted by accident.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isProduction } from "../support/environment";

export const cognitoNoImplicitGrant: ResourceValidationPolicy = {
    name: "cognito-no-implicit-grant",
    description: "Cognito app clients do not allow the OAuth implicit grant (use the code flow with PKCE).",
    severity: "high",
    validateResource: validateResourceOfType(aws.cognito.UserPoolClient, (client, _args, reportViolation) => {
        if ((client.allowedOauthFlows ?? []).includes("implicit")) {
            reportViolation('allowedOauthFlows includes "implicit": use "code" (with PKCE) instead');
        }
    }),
};

export const cognitoBrowserClientWithoutSecret: ResourceValidationPolicy = {
    name: "cognito-browser-client-no-secret",
    description:
        "A Cognito app client that signs in browsers (code flow with callback URLs) has no client secret: a browser cannot keep one.",
    severity: "high",
    validateResource: validateResourceOfType(aws.cognito.UserPoolClient, (client, args, reportViolation) => {
        const flows = client.allowedOauthFlows ?? [];
        const browser = flows.includes("code") && (client.callbackUrls ?? []).length > 0;
        if (!browser) args.notApplicable("not a browser client (no code flow with callback URLs)");
        if (client.generateSecret === true) {
            reportViolation(
                "generateSecret is true on a browser client: make it a public client (generateSecret false)",
            );
        }
    }),
};

export const cognitoProductionDeletionProtection: ResourceValidationPolicy = {
    name: "cognito-production-deletion-protection",
    description: "In production, Cognito user pools have deletion protection on.",
    severity: "high",
    validateResource: validateResourceOfType(aws.cognito.UserPool, (pool, args, reportViolation) => {
        if (!isProduction(args.urn)) args.notApplicable("not a production stack");
        if (pool.deletionProtection !== "ACTIVE") {
            reportViolation('deletionProtection must be "ACTIVE" for a production user pool');
        }
    }),
};
