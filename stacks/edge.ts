import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// The edge's components (WebFirewall, DomainCertificate) live in components/edge; this is the stack's glue.

/**
 * Alias A record from the application's host name to its edge (the
 * CloudFront distribution; Route 53 refuses target health checks there).
 */
export function aliasRecord(
    name: string,
    args: {
        zoneId: pulumi.Input<string>;
        domainName: string;
        targetDnsName: pulumi.Input<string>;
        targetZoneId: pulumi.Input<string>;
        /** Route 53 checks the target's health (load balancers only). @default false */
        evaluateTargetHealth?: boolean;
        /** A (IPv4) or AAAA (IPv6: the distribution has IPv6 on). @default "A" */
        type?: "A" | "AAAA";
    },
    opts: pulumi.CustomResourceOptions,
): aws.route53.Record {
    return new aws.route53.Record(
        `${name}-alias`,
        {
            zoneId: args.zoneId,
            name: args.domainName,
            type: args.type ?? "A",
            aliases: [
                {
                    name: args.targetDnsName,
                    zoneId: args.targetZoneId,
                    evaluateTargetHealth: args.evaluateTargetHealth ?? false,
                },
            ],
        },
        opts,
    );
}
