import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";

export interface SecurityChainInputs {
    /** Component name. */
    readonly name: string;
    /** Short role of the ingress in child names: `alb`, `vpclink`. */
    readonly role: string;
    /** Human name of the ingress in rule descriptions. */
    readonly label: string;
    readonly parent: pulumi.Resource;
    readonly ingressSecurityGroupId: pulumi.Input<string>;
    readonly serviceSecurityGroupId: pulumi.Input<string>;
    readonly containerPort: number;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

/**
 * The security group chain between an ingress and the service: the ingress
 * may only talk to the service on the container port, and the service only
 * admits the ingress on it.
 */
export function connectIngressToService(i: SecurityChainInputs): void {
    const opts = { parent: i.parent };
    const out = `${i.name}-${i.role}-out-service`;
    new aws.vpc.SecurityGroupEgressRule(
        out,
        {
            securityGroupId: i.ingressSecurityGroupId,
            description: "To the service tasks on the container port",
            ipProtocol: "tcp",
            fromPort: i.containerPort,
            toPort: i.containerPort,
            referencedSecurityGroupId: i.serviceSecurityGroupId,
            tags: nameTags(out, i.tags),
        },
        opts,
    );
    const into = `${i.name}-service-in-${i.role}`;
    new aws.vpc.SecurityGroupIngressRule(
        into,
        {
            securityGroupId: i.serviceSecurityGroupId,
            description: `From the ${i.label} on the container port`,
            ipProtocol: "tcp",
            fromPort: i.containerPort,
            toPort: i.containerPort,
            referencedSecurityGroupId: i.ingressSecurityGroupId,
            tags: nameTags(into, i.tags),
        },
        opts,
    );
}
