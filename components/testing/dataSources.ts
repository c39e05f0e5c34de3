/**
 * Answers for the data sources (invokes) the library's components call, in
 * the shapes the AWS provider returns.
 */
import { arn, hex } from "./context";
import { availabilityZones, instanceTypeOfferings, orderableDbInstance, type ZoneContext } from "./zones";

export function callResult(c: ZoneContext, token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availabilityZones(c, inputs);
        case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings":
            return instanceTypeOfferings(c, inputs);
        case "aws:rds/getOrderableDbInstance:getOrderableDbInstance":
            return orderableDbInstance(c, inputs);
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: c.accountId,
                arn: `arn:aws:iam::${c.accountId}:user/deployer`,
                userId: "AIDAEXAMPLE",
                id: c.accountId,
            };
        case "aws:index/getRegion:getRegion":
            return {
                name: inputs.region ?? c.region,
                region: inputs.region ?? c.region,
                id: inputs.region ?? c.region,
                endpoint: `ec2.${c.region}.amazonaws.com`,
                description: c.region,
            };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:ssm/getParameter:getParameter":
            return {
                name: inputs.name,
                value: `ami-${hex(String(inputs.name).length, 17)}`,
                type: "String",
                arn: arn(c, "ssm", `parameter${inputs.name}`),
                id: inputs.name,
                version: 1,
                insecureValue: `ami-${hex(String(inputs.name).length, 17)}`,
            };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: policyJson(inputs), id: "policy" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                userName: "AWS",
                password: "mock-ecr-token",
                proxyEndpoint: `https://${c.accountId}.dkr.ecr.${c.region}.amazonaws.com`,
                authorizationToken: "QVdTOm1vY2s=",
                expiresAt: "2099-01-01T00:00:00Z",
                id: c.region,
            };
        case "aws:route53/getZone:getZone":
            return {
                zoneId: "Z0123456789ABCDEFGHIJ",
                name: inputs.name,
                id: "Z0123456789ABCDEFGHIJ",
                nameServers: ["ns-1.awsdns-01.org"],
            };
        case "aws:elb/getServiceAccount:getServiceAccount":
            return { arn: "arn:aws:iam::127311923021:root", id: "127311923021" };
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            return { id: "pl-63a5400a", name: inputs.name, entries: [] };
        default:
            throw new Error(
                `aws-webapp/testing: no mock answer for data source ${token}; answer it with the engine's "calls" option`,
            );
    }
}

/** Renders iam.getPolicyDocument inputs into the JSON AWS would return. */
export function policyJson(inputs: Record<string, any>): string {
    const statements = (inputs.statements ?? []).map((s: Record<string, any>) => {
        const out: Record<string, any> = { Effect: s.effect ?? "Allow" };
        if (s.sid) out.Sid = s.sid;
        if (s.actions) out.Action = s.actions.length === 1 ? s.actions[0] : s.actions;
        if (s.resources) out.Resource = s.resources.length === 1 ? s.resources[0] : s.resources;
        if (s.principals) {
            out.Principal = Object.fromEntries(
                s.principals.map((p: { type: string; identifiers: string[] }) => [
                    p.type,
                    p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers,
                ]),
            );
        }
        if (s.conditions) {
            out.Condition = {};
            for (const c of s.conditions) {
                out.Condition[c.test] = {
                    ...(out.Condition[c.test] ?? {}),
                    [c.variable]: c.values.length === 1 ? c.values[0] : c.values,
                };
            }
        }
        return out;
    });
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
