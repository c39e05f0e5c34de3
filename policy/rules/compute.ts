/** EC2 capacity: encrypted EBS volumes, IMDSv2 only; standalone instances without public IPs. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** Launch template EBS `encrypted` is a string in the provider ("true"); accept both shapes. */
const isTrue = (v: unknown) => v === true || v === "true";

export const ebsVolumesEncrypted: ResourceValidationPolicy = {
    name: "ebs-volumes-encrypted",
    description: "Launch template block devices and EBS volumes are encrypted.",
    severity: "high",
    validateResource: [
        validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, reportViolation) => {
            const mappings = (lt.blockDeviceMappings ?? []).filter((m) => m.ebs !== undefined);
            if (mappings.length === 0) {
                reportViolation(
                    "declares no EBS block device mapping: the AMI's root volume would be used as it is; " +
                        "map the root device with ebs.encrypted true",
                );
            }
            for (const m of mappings) {
                if (!isTrue(m.ebs?.encrypted)) {
                    reportViolation(`block device ${m.deviceName ?? "(unnamed)"} is not encrypted (ebs.encrypted)`);
                }
            }
        }),
        validateResourceOfType(aws.ebs.Volume, (volume, _args, reportViolation) => {
            if (volume.encrypted !== true) reportViolation("encrypted is not true: EBS volumes must be encrypted");
        }),
    ],
};

export const imdsv2Required: ResourceValidationPolicy = {
    name: "imdsv2-required",
    description: "Launch templates and instances require IMDSv2 (metadataOptions.httpTokens = required).",
    severity: "high",
    validateResource: [
        validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, reportViolation) => {
            if (lt.metadataOptions?.httpTokens !== "required") {
                reportViolation(
                    `metadataOptions.httpTokens is ${JSON.stringify(lt.metadataOptions?.httpTokens)}: ` +
                        `set "required" so instances only serve IMDSv2 (session tokens)`,
                );
            }
        }),
        validateResourceOfType(aws.ec2.Instance, (instance, _args, reportViolation) => {
            if (instance.metadataOptions?.httpTokens !== "required") {
                reportViolation(`metadataOptions.httpTokens must be "required" (IMDSv2 only)`);
            }
        }),
    ],
};

/** Standalone EC2 instances: no public IPv4, every volume encrypted. */
export const ec2InstanceNoPublicIp: ResourceValidationPolicy = {
    name: "ec2-instance-no-public-ip",
    description: "EC2 instances do not get a public IPv4 address (associatePublicIpAddress).",
    severity: "high",
    validateResource: validateResourceOfType(aws.ec2.Instance, (instance, _args, reportViolation) => {
        if (instance.associatePublicIpAddress === true) {
            reportViolation("associatePublicIpAddress is true: an EC2 instance must not have a public IP");
        }
    }),
};

export const ec2InstanceVolumesEncrypted: ResourceValidationPolicy = {
    name: "encrypted-volumes",
    description: "EC2 instances encrypt their root and EBS block devices.",
    severity: "high",
    validateResource: validateResourceOfType(aws.ec2.Instance, (instance, _args, reportViolation) => {
        if (instance.rootBlockDevice?.encrypted !== true) {
            reportViolation("rootBlockDevice.encrypted is not true: the root block device must be encrypted");
        }
        for (const ebs of instance.ebsBlockDevices ?? []) {
            if (ebs.encrypted !== true) {
                reportViolation(`EBS block device ${ebs.deviceName} is not encrypted (encrypted must be true)`);
            }
        }
    }),
};
