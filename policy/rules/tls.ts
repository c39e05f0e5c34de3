/**
 * Encryption in transit at the load balancer: listeners on 443 speak HTTPS
 * with a TLS 1.2+ policy, and plain HTTP listeners redirect to HTTPS on a load
 * balancer that has an HTTPS listener.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { typeToken } from "../support/types";

const LISTENERS = [typeToken(aws.lb.Listener), typeToken(aws.alb.Listener)];
const SECURE = ["HTTPS", "TLS"];

/** ELB security policies that refuse TLS 1.0/1.1 (TLS 1.2 and/or 1.3 only). */
const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

/** True for an ELB security policy that accepts only TLS 1.2 or later. */
export function isModernTlsPolicy(name: unknown): boolean {
    return typeof name === "string" && MODERN_TLS_POLICY.test(name);
}

export const listenerTls: ResourceValidationPolicy = {
    name: "lb-listener-tls-1-2",
    description: "Load balancer listeners on 443 use HTTPS/TLS with a TLS 1.2+ security policy.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (!LISTENERS.includes(args.type)) args.notApplicable("only load balancer listeners");
        const { port, protocol, sslPolicy } = args.props;
        if (port === 443 && !SECURE.includes(protocol)) {
            reportViolation(`listens on 443 with protocol ${JSON.stringify(protocol)}: use HTTPS with a certificate`);
        }
        if (SECURE.includes(protocol) && !isModernTlsPolicy(sslPolicy)) {
            reportViolation(
                `sslPolicy ${JSON.stringify(sslPolicy)} allows TLS below 1.2 (or is unset): ` +
                    `use ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy`,
            );
        }
    },
};

/** True when the listener's only default action is a redirect to HTTPS. */
function redirectsToHttps(props: Record<string, any>): boolean {
    const actions = (props.defaultActions ?? []) as Record<string, any>[];
    return actions.length === 1 && actions[0].type === "redirect" && actions[0].redirect?.protocol === "HTTPS";
}

export const httpRedirectsToHttps: StackValidationPolicy = {
    name: "lb-http-redirects-to-https",
    description: "On a load balancer with an HTTPS listener, every HTTP listener redirects to HTTPS.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const listeners = args.resources.filter((r) => LISTENERS.includes(r.type));
        const withHttps = new Set(
            listeners.filter((l) => l.props.protocol === "HTTPS").map((l) => String(l.props.loadBalancerArn)),
        );
        for (const l of listeners) {
            if (l.props.protocol !== "HTTP" || !withHttps.has(String(l.props.loadBalancerArn))) continue;
            if (!redirectsToHttps(l.props)) {
                reportViolation(
                    `HTTP listener ${l.name} serves plain HTTP although its load balancer has an HTTPS listener: ` +
                        `make its only default action a redirect to HTTPS`,
                    l.urn,
                );
            }
        }
    },
};
