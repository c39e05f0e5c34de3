/**
 * Every policy of the pack, in one list (index.ts serves them; tests run them
 * directly, without the Pulumi CLI).
 */
import { PolicyPackArgs, Policies } from "@pulumi/policy";
import {
    ebsVolumesEncrypted,
    ec2InstanceNoPublicIp,
    ec2InstanceVolumesEncrypted,
    imdsv2Required,
} from "./rules/compute";
import { rdsBackupsEnabled, rdsMultiAzInProduction, rdsPrivateAndEncrypted } from "./rules/database";
import {
    cognitoBrowserClientWithoutSecret,
    cognitoNoImplicitGrant,
    cognitoProductionDeletionProtection,
} from "./rules/auth";
import { dynamodbPointInTimeRecovery, dynamodbTableEncrypted } from "./rules/dynamodb";
import { noIamWildcardAdmin } from "./rules/iam";
import { kmsKeyRotation } from "./rules/kms";
import { logGroupRetention } from "./rules/logs";
import { messagingEncrypted } from "./rules/messaging";
import { internetIngressOnlyOnLoadBalancer, noInternetIngress } from "./rules/network";
import { productionProtections } from "./rules/production";
import { streamConsumerFailureDestination } from "./rules/streams";
import { efsEncrypted, s3BucketsHavePublicAccessBlock, s3PublicAccessBlocked } from "./rules/storage";
import { httpRedirectsToHttps, listenerTls } from "./rules/tls";

/** Name of the pack (as `pulumi preview --policy-pack` reports it). */
export const PACK_NAME = "aws-webapp-baseline";

/**
 * The security baseline of ARCHITECTURE.md. The last six keep the names of
 * the AWSGuard rules they replace (the pack no longer depends on
 * `@pulumi/awsguard`, which pulls @pulumi/aws v4 and the AWS SDK v2).
 */
export const policies: Policies = [
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
    rdsBackupsEnabled,
    rdsMultiAzInProduction,
    dynamodbTableEncrypted,
    ec2InstanceNoPublicIp,
    ec2InstanceVolumesEncrypted,
    efsEncrypted,
    dynamodbPointInTimeRecovery,
    streamConsumerFailureDestination,
    cognitoNoImplicitGrant,
    cognitoBrowserClientWithoutSecret,
    cognitoProductionDeletionProtection,
];

/** The pack's arguments: every policy mandatory (a violation fails preview and up). */
export const packArgs: PolicyPackArgs = {
    description: "Security baseline of the aws-webapp program (ARCHITECTURE.md).",
    enforcementLevel: "mandatory",
    policies,
};
