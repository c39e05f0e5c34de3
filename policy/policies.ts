/**
 * Every policy of the pack, in one list (index.ts serves them; tests run them
 * directly, without the Pulumi CLI).
 */
import { PolicyPackArgs, Policies } from "@pulumi/policy";
import { awsGuardPolicies } from "./rules/awsguard";
import { ebsVolumesEncrypted, imdsv2Required } from "./rules/compute";
import { rdsPrivateAndEncrypted } from "./rules/database";
import { noIamWildcardAdmin } from "./rules/iam";
import { kmsKeyRotation } from "./rules/kms";
import { logGroupRetention } from "./rules/logs";
import { messagingEncrypted } from "./rules/messaging";
import { internetIngressOnlyOnLoadBalancer, noInternetIngress } from "./rules/network";
import { productionProtections } from "./rules/production";
import { s3BucketsHavePublicAccessBlock, s3PublicAccessBlocked } from "./rules/storage";
import { httpRedirectsToHttps, listenerTls } from "./rules/tls";

/** Name of the pack (as `pulumi preview --policy-pack` reports it). */
export const PACK_NAME = "aws-webapp-baseline";

/** The security baseline of ARCHITECTURE.md, then the applicable AWSGuard rules. */
export const baselinePolicies: Policies = [
    noInternetIngress,
    internetIngressOnlyOnLoadBalancer,
    rdsPrivateAndEncrypted,
    s3PublicAccessBlocked,
    s3BucketsHavePublicAccessBlock,
    ebsVolumesEncrypted,
    imdsv2Required,
    noIamWildcardAdmin,
    logGroupRetention,
    listenerTls,
    httpRedirectsToHttps,
    messagingEncrypted,
    kmsKeyRotation,
    productionProtections,
];

export const policies: Policies = [...baselinePolicies, ...awsGuardPolicies];

/** The pack's arguments: every policy mandatory (a violation fails preview and up). */
export const packArgs: PolicyPackArgs = {
    description: "Security baseline of the aws-webapp program (ARCHITECTURE.md) plus the applicable AWSGuard rules.",
    enforcementLevel: "mandatory",
    policies,
};
