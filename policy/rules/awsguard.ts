/**
 * The rules of `@pulumi/awsguard` that apply to what this program (and a
 * program built from its components) creates. AWSGuard's rule objects are
 * exported by its modules but not declared in its typings (its `AwsGuard`
 * class is itself a PolicyPack, and a process may serve only one pack), so
 * they are loaded here and added to our pack. Rules left out, and why:
 * - the load balancer rules (`elb-logging-enabled`, `elb-deletion-protection-enabled`,
 *   `alb-http-to-https-redirection`) match the `elasticloadbalancingv2`/
 *   `applicationloadbalancing` type tokens of @pulumi/aws v4; v7 registers
 *   `aws:lb/...`, so they would never fire: our `lb-listener-tls-1-2`,
 *   `lb-http-redirects-to-https` and `production-deletion-protection` cover them;
 * - `rds-instance-public-access` / `rds-storage-encrypted`: same checks as our
 *   `rds-private-and-encrypted`, which also covers Aurora clusters;
 * - the security module (`acm-certificate-expiration`, `access-keys-rotated`,
 *   `mfa-enabled-for-iam-console-access`, `cmk-backing-key-rotation-enabled`)
 *   loads the end-of-support AWS SDK v2 and calls AWS APIs; our
 *   `kms-key-rotation-enabled` does the KMS check offline;
 * - cost or operations choices, not security baseline: detailed monitoring,
 *   volume-in-use, Redshift/Elasticsearch/API Gateway caching and S3 access logging.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isProduction } from "../support/environment";

type Module = Record<string, ResourceValidationPolicy>;
const database = require("@pulumi/awsguard/database") as Module;
const compute = require("@pulumi/awsguard/compute") as Module;
const storage = require("@pulumi/awsguard/storage") as Module;

/** An AWSGuard rule by module and export name; fails loudly if a release renamed it. */
function rule(module: Module, key: string): ResourceValidationPolicy {
    const found = module[key];
    if (!found || typeof found.name !== "string" || found.validateResource === undefined) {
        throw new Error(`@pulumi/awsguard no longer exports the rule ${key}`);
    }
    return found;
}

const multiAz = rule(database, "rdsInstanceMultiAZEnabled");

/** AWSGuard's Multi-AZ rule, applied to production stacks only (dev is single-AZ by design). */
const multiAzInProduction: ResourceValidationPolicy = {
    name: multiAz.name,
    description: `${multiAz.description} (production stacks only)`,
    validateResource: (args, reportViolation) => {
        if (!isProduction(args.urn)) args.notApplicable("not a production stack");
        const validations = ([] as unknown[]).concat(multiAz.validateResource) as ((a: unknown, r: unknown) => void)[];
        return Promise.all(validations.map((v) => v(args, reportViolation))).then(() => undefined);
    },
};

/** The AWSGuard rules this pack enforces (as mandatory, the pack's level). */
export const awsGuardPolicies: ResourceValidationPolicy[] = [
    rule(database, "rdsInstanceBackupEnabled"),
    multiAzInProduction,
    rule(database, "dynamodbTableEncryptionEnabled"),
    rule(compute, "ec2InstanceNoPublicIP"),
    rule(compute, "encryptedVolumes"),
    rule(storage, "efsEncrypted"),
];
