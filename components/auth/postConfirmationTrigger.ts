/**
 * UserAuth's post-confirmation trigger: a Lambda function in the VPC's
 * private subnets that inserts each confirmed user into PostgreSQL, signing
 * in with IAM database authentication as its own database user, with its own
 * security group, log group and least-privilege role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { idListWhenKnown } from "../data/inputChecks";
import { isKnown } from "../shared/validation";
import { nameTags } from "../shared/tags";
import { lambdaTrustPolicy, triggerEnvironment, triggerRolePolicy } from "./policies";
import { TRIGGER_SUBNETS, type UserAuthSettings } from "./settings";
import type { PostConfirmationTriggerArgs, UserAuthArgs } from "./userAuth";

/** The post-confirmation function with its security group, log group and least-privilege role (children of `parent`). */
export function createPostConfirmationTrigger(
    parent: pulumi.Resource,
    name: string,
    t: PostConfirmationTriggerArgs,
    s: UserAuthSettings,
    bundleDir: string,
    callerTags: UserAuthArgs["tags"],
) {
    const child = { parent };
    const tags = (n: string) => nameTags(n, callerTags);
    const settings = s.trigger as NonNullable<UserAuthSettings["trigger"]>;
    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    const region = aws.getRegionOutput({}, child).region;
    const port = pulumi.output(t.databasePort ?? 5432);
    const subnetIds = isKnown(t.subnetIds)
        ? [...t.subnetIds]
        : pulumi
              .output(t.subnetIds)
              .apply((ids) =>
                  idListWhenKnown(`UserAuth "${name}"`, "postConfirmation.subnetIds", ids, TRIGGER_SUBNETS),
              );

    const sgName = `${name}-trigger-sg`;
    const securityGroup = new aws.ec2.SecurityGroup(
        sgName,
        {
            namePrefix: `${name}-trigger-`,
            description: `Post-confirmation trigger of ${name}: PostgreSQL to the database only`,
            vpcId: t.vpcId,
            revokeRulesOnDelete: true,
            tags: tags(sgName),
        },
        child,
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-trigger-to-db`,
        {
            securityGroupId: securityGroup.id,
            referencedSecurityGroupId: t.databaseSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: "PostgreSQL to the database",
            tags: tags(`${name}-trigger-to-db`),
        },
        child,
    );
    // The database's side, unless its own component admits the function (PostgresDb.allowFrom).
    const dbIngress =
        t.manageDatabaseIngress === false
            ? undefined
            : new aws.vpc.SecurityGroupIngressRule(
                  `${name}-db-from-trigger`,
                  {
                      securityGroupId: t.databaseSecurityGroupId,
                      referencedSecurityGroupId: securityGroup.id,
                      ipProtocol: "tcp",
                      fromPort: port,
                      toPort: port,
                      description: `PostgreSQL from the ${name} post-confirmation trigger`,
                      tags: tags(`${name}-db-from-trigger`),
                  },
                  child,
              );

    const logName = `${name}-trigger-logs`;
    const logGroup = new aws.cloudwatch.LogGroup(
        logName,
        {
            name: `/aws/lambda/${pulumi.getProject()}-${pulumi.getStack()}/${name}-post-confirmation`,
            retentionInDays: s.logRetentionDays,
            tags: tags(logName),
        },
        { ...child, deleteBeforeReplace: true },
    );

    const roleName = `${name}-trigger-role`;
    const role = new aws.iam.Role(
        roleName,
        {
            description: `Execution role of the ${name} post-confirmation trigger`,
            assumeRolePolicy: account.apply((a) => JSON.stringify(lambdaTrustPolicy(a))),
            tags: tags(roleName),
        },
        child,
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-trigger-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([partition, region, account, t.iamConnectArnPrefix, logGroup.arn, subnetIds, securityGroup.id])
                .apply(([p, r, a, prefix, logGroupArn, subnetIds, sgId]) =>
                    JSON.stringify(
                        triggerRolePolicy({
                            partition: p,
                            region: r,
                            accountId: a,
                            iamConnectArnPrefix: prefix,
                            databaseUser: settings.databaseUser,
                            logGroupArn,
                            subnetIds,
                            securityGroupId: sgId,
                        }),
                    ),
                ),
        },
        child,
    );

    const fnName = `${name}-post-confirmation`;
    const fn = new aws.lambda.Function(
        fnName,
        {
            description: `Inserts confirmed users of ${name} into PostgreSQL (Cognito post-confirmation)`,
            role: role.arn,
            runtime: aws.lambda.Runtime.NodeJS22dX,
            handler: "index.handler",
            code: new pulumi.asset.FileArchive(bundleDir),
            architectures: ["arm64"],
            memorySize: 256,
            // Cognito waits 5 s for a trigger.
            timeout: 5,
            vpcConfig: { subnetIds, securityGroupIds: [securityGroup.id] },
            environment: {
                variables: pulumi.all([t.databaseHost, port, t.databaseName]).apply(([host, p, database]) =>
                    triggerEnvironment({
                        host,
                        port: p,
                        database,
                        user: settings.databaseUser,
                        usersTable: settings.usersTable,
                    }),
                ),
            },
            loggingConfig: {
                logFormat: "JSON",
                logGroup: logGroup.name,
                applicationLogLevel: "INFO",
                systemLogLevel: "WARN",
            },
            tags: tags(fnName),
        },
        { ...child, dependsOn: [logGroup, rolePolicy, ...(dbIngress ? [dbIngress] : [])] },
    );
    return { fn, role, securityGroup, logGroup };
}
