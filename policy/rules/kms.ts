/** KMS: customer managed symmetric keys rotate yearly. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation-enabled",
    description: "Customer managed symmetric KMS keys have automatic rotation on.",
    severity: "medium",
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
        const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable("asymmetric and HMAC keys cannot rotate");
        if (key.enableKeyRotation !== true) reportViolation("enableKeyRotation is not true");
    }),
};
