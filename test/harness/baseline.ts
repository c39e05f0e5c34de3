/**
 * Checks of the security baseline over every registration of a stack, for
 * the whole-stack specs: each returns the offending findings (empty = ok).
 */
import type { Recording, Registration } from "./mocks";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** One rule that admits traffic from the internet. */
export interface OpenRule {
    readonly resource: Registration;
    /** Security group the rule belongs to (its logical name when inline). */
    readonly securityGroup: string;
    readonly fromPort: number;
    readonly toPort: number;
}

/** Ingress rules from 0.0.0.0/0 or ::/0, wherever they are declared. */
export function internetIngress(rec: Recording): OpenRule[] {
    const open: OpenRule[] = [];
    const sgNameById = new Map(rec.ofType("aws:ec2/securityGroup:SecurityGroup").map((sg) => [sg.id, sg.name]));
    const groupOf = (id: string | undefined) => sgNameById.get(id ?? "") ?? String(id);
    for (const sg of rec.ofType("aws:ec2/securityGroup:SecurityGroup")) {
        for (const rule of sg.inputs.ingress ?? []) {
            const cidrs = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])];
            if (cidrs.some((c: string) => ANYWHERE.includes(c))) {
                open.push({ resource: sg, securityGroup: sg.name, fromPort: rule.fromPort, toPort: rule.toPort });
            }
        }
    }
    for (const r of rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        if (ANYWHERE.includes(r.inputs.cidrIpv4) || ANYWHERE.includes(r.inputs.cidrIpv6)) {
            open.push({
                resource: r,
                securityGroup: groupOf(r.inputs.securityGroupId),
                fromPort: r.inputs.fromPort,
                toPort: r.inputs.toPort,
            });
        }
    }
    for (const r of rec.ofType("aws:ec2/securityGroupRule:SecurityGroupRule")) {
        const cidrs = [...(r.inputs.cidrBlocks ?? []), ...(r.inputs.ipv6CidrBlocks ?? [])];
        if (r.inputs.type === "ingress" && cidrs.some((c: string) => ANYWHERE.includes(c))) {
            open.push({
                resource: r,
                securityGroup: groupOf(r.inputs.securityGroupId),
                fromPort: r.inputs.fromPort,
                toPort: r.inputs.toPort,
            });
        }
    }
    return open;
}

/** Every IAM-style policy document a stack declares, with where it comes from. */
export function policyDocuments(rec: Recording): { source: string; doc: any }[] {
    const docs: { source: string; doc: any }[] = [];
    const add = (source: string, text: unknown) => {
        if (typeof text === "string" && text.length > 0) docs.push({ source, doc: JSON.parse(text) });
        else if (text && typeof text === "object") docs.push({ source, doc: text });
    };
    for (const r of rec.resources) {
        switch (r.type) {
            case "aws:iam/policy:Policy":
            case "aws:iam/rolePolicy:RolePolicy":
            case "aws:iam/userPolicy:UserPolicy":
            case "aws:s3/bucketPolicy:BucketPolicy":
            case "aws:sqs/queuePolicy:QueuePolicy":
            case "aws:sns/topicPolicy:TopicPolicy":
                add(`${r.type} ${r.name}`, r.inputs.policy);
                break;
            case "aws:iam/role:Role":
                add(`${r.name} trust`, r.inputs.assumeRolePolicy);
                for (const p of r.inputs.inlinePolicies ?? []) add(`${r.name} inline ${p.name}`, p.policy);
                break;
        }
    }
    return docs;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [String(v)]);

/** Sources of Allow statements granting action `*` on resource `*`. */
export function wildcardGrants(rec: Recording): string[] {
    const found: string[] = [];
    for (const { source, doc } of policyDocuments(rec)) {
        const statements: any[] = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
        for (const st of statements) {
            if (st.Effect !== "Allow") continue;
            if (list(st.Action).includes("*") && list(st.Resource).includes("*")) found.push(source);
        }
    }
    return found;
}

/** Log groups without a retention period. */
export function logGroupsWithoutRetention(rec: Recording): string[] {
    return rec
        .ofType("aws:cloudwatch/logGroup:LogGroup")
        .filter((g) => !(g.inputs.retentionInDays > 0))
        .map((g) => g.name);
}

/** Buckets without a public access block that blocks everything. */
export function bucketsNotBlocked(rec: Recording): string[] {
    const blocks = rec.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    return rec
        .ofType("aws:s3/bucket:Bucket")
        .filter((b) => {
            const block = blocks.find((p) => p.inputs.bucket === b.id || p.inputs.bucket === b.state.bucket);
            return !(
                block &&
                block.inputs.blockPublicAcls &&
                block.inputs.blockPublicPolicy &&
                block.inputs.ignorePublicAcls &&
                block.inputs.restrictPublicBuckets
            );
        })
        .map((b) => b.name);
}
