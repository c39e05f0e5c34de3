/**
 * Production protections: in a production stack (stack `prod`/`production`
 * or `aws-webapp:environment` = prod), the database and the load balancer
 * cannot be deleted by accident and the database leaves a final snapshot;
 * DynamoDB tables have deletion protection.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isProduction } from "../support/environment";

export const productionProtections: ResourceValidationPolicy = {
    name: "production-deletion-protection",
    description:
        "In production, RDS has deletion protection and a final snapshot; load balancers and DynamoDB tables have deletion protection.",
    severity: "high",
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, args, reportViolation) => {
            if (!isProduction(args.urn)) args.notApplicable("not a production stack");
            if (db.deletionProtection !== true) reportViolation("deletionProtection must be true in production");
            if (db.skipFinalSnapshot === true) reportViolation("skipFinalSnapshot must not be true in production");
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster, args, reportViolation) => {
            if (!isProduction(args.urn)) args.notApplicable("not a production stack");
            if (cluster.deletionProtection !== true) reportViolation("deletionProtection must be true in production");
        }),
        validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
            if (!isProduction(args.urn)) args.notApplicable("not a production stack");
            if (lb.enableDeletionProtection !== true) {
                reportViolation("enableDeletionProtection must be true in production");
            }
        }),
        validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
            if (!isProduction(args.urn)) args.notApplicable("not a production stack");
            if (table.deletionProtectionEnabled !== true) {
                reportViolation("deletionProtectionEnabled must be true in production");
            }
        }),
        validateResourceOfType(aws.alb.LoadBalancer, (lb, args, reportViolation) => {
            if (!isProduction(args.urn)) args.notApplicable("not a production stack");
            if (lb.enableDeletionProtection !== true) {
                reportViolation("enableDeletionProtection must be true in production");
            }
        }),
    ],
};
