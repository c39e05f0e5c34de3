/** IAM: no statement grants every action on every resource. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { adminStatements, describeStatement, statementsOf } from "../support/documents";
import { typeToken } from "../support/types";

/** Where each resource type keeps policy documents: [label, document] pairs. */
function documentsOf(type: string, props: Record<string, any>): [string, unknown][] {
    switch (type) {
        case typeToken(aws.iam.Policy):
        case typeToken(aws.iam.RolePolicy):
        case typeToken(aws.iam.UserPolicy):
        case typeToken(aws.iam.GroupPolicy):
            return [["policy", props.policy]];
        case typeToken(aws.iam.Role):
            return ((props.inlinePolicies ?? []) as Record<string, any>[])
                .filter((p) => p.policy !== undefined && p.policy !== "")
                .map((p, i) => [`inlinePolicies[${p.name ?? i}]`, p.policy]);
        default:
            return [];
    }
}

export const noIamWildcardAdmin: ResourceValidationPolicy = {
    name: "iam-no-wildcard-action-on-wildcard-resource",
    description: 'No IAM policy statement allows action "*" on resource "*".',
    severity: "critical",
    validateResource: (args, reportViolation) => {
        const docs = documentsOf(args.type, args.props);
        if (docs.length === 0) args.notApplicable("no IAM policy document");
        for (const [where, doc] of docs) {
            try {
                statementsOf(doc);
            } catch (e) {
                reportViolation(`${where} is not a policy document: ${(e as Error).message}`);
                continue;
            }
            adminStatements(doc).forEach((s, i) =>
                reportViolation(
                    `${where} ${describeStatement(s, i)} allows "${s.actions.join('", "')}" on "*": ` +
                        `name the actions and scope the resources to exact ARNs`,
                ),
            );
        }
    },
};
