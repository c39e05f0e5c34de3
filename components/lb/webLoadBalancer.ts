/**
 * WebLoadBalancer: an internet-facing Application Load Balancer shared by
 * services. Its security group admits HTTP (and HTTPS with a certificate)
 * from the internet; the HTTPS listener (or the HTTP one without a
 * certificate) answers 404 by default, and each service adds its own target
 * group and listener rule (priority, paths, hosts). HTTP redirects to HTTPS
 * when there is a certificate. Access logs and deletion protection by arg.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    bool,
    CERTIFICATE_ARN,
    componentName,
    int,
    optionalInput,
    requiredInput,
    resolveOn,
    S3_BUCKET,
    subnetList,
    VPC_ID,
    type ProblemSink,
} from "../shared/inputChecks";
import { isHostName } from "../shared/checks";
import { childOptions } from "../shared/moves";
import { nameTags } from "../shared/tags";
import { isKnown } from "../shared/validation";
import { createAccessLogsBucket } from "./accessLogs";

/** Defaults of {@link WebLoadBalancerArgs}, named by each argument's `@default`. */
export const WEB_LOAD_BALANCER_DEFAULTS = {
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    deletionProtection: false,
    accessLogs: false,
    accessLogsPrefix: "alb",
    accessLogsRetentionDays: 90,
    idleTimeoutSeconds: 60,
    forceDestroy: false,
} as const;

/** Arguments of {@link WebLoadBalancer}. */
export interface WebLoadBalancerArgs {
    /** VPC of the load balancer's security group. */
    readonly vpcId: pulumi.Input<string>;
    /** Public subnets of the load balancer, at least two zones. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** ACM certificate for HTTPS on 443 (HTTP then redirects). Unset = HTTP only. @default undefined */
    readonly certificateArn?: pulumi.Input<string>;
    /** TLS 1.3 security policy of the HTTPS listener. @default `WEB_LOAD_BALANCER_DEFAULTS.sslPolicy` ("ELBSecurityPolicy-TLS13-1-2-2021-06") */
    readonly sslPolicy?: string;
    /** Host name clients use (the stack's alias record); shapes the `url` output only. @default the load balancer DNS name */
    readonly domainName?: string;
    /** Load balancer deletion protection. @default `WEB_LOAD_BALANCER_DEFAULTS.deletionProtection` (false) */
    readonly deletionProtection?: boolean;
    /** Load balancer access logs. @default `WEB_LOAD_BALANCER_DEFAULTS.accessLogs` (false) */
    readonly accessLogs?: boolean;
    /** Existing bucket for access logs (its policy must admit ELB log delivery). @default a locked-down bucket created here */
    readonly accessLogsBucket?: pulumi.Input<string>;
    /** Key prefix of the access logs. @default `WEB_LOAD_BALANCER_DEFAULTS.accessLogsPrefix` ("alb") */
    readonly accessLogsPrefix?: string;
    /** Days the created access log bucket keeps logs. @default `WEB_LOAD_BALANCER_DEFAULTS.accessLogsRetentionDays` (90) */
    readonly accessLogsRetentionDays?: number;
    /** Load balancer idle timeout (seconds). @default `WEB_LOAD_BALANCER_DEFAULTS.idleTimeoutSeconds` (60) */
    readonly idleTimeoutSeconds?: number;
    /** Let `pulumi destroy` delete the created log bucket with its objects (never in prod). @default `WEB_LOAD_BALANCER_DEFAULTS.forceDestroy` (false) */
    readonly forceDestroy?: boolean;
    /**
     * Managed prefix lists (`pl-...`) admitted instead of the internet, e.g. CloudFront's
     * `com.amazonaws.global.cloudfront.origin-facing` (from `aws.ec2.getManagedPrefixList`). Only the
     * port CloudFront uses is opened (443 with a certificate, else 80): each entry of a prefix list
     * counts against the security group's rule quota. @default [] (the internet, 0.0.0.0/0)
     */
    readonly ingressPrefixListIds?: pulumi.Input<string>[];
    /**
     * A header every forwarded request must carry (the secret CloudFront adds as an origin custom
     * header): services' listener rules match it, and the listener answers anything else 403. The
     * value is kept a Pulumi secret; letters and digits, 32 to 128 (ALB header conditions treat `*`
     * and `?` as wildcards). @default undefined (no header check)
     */
    readonly originVerifyHeader?: OriginVerifyHeader;
    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A secret header the load balancer requires on every request it forwards. */
export interface OriginVerifyHeader {
    /** Header name, e.g. `X-Origin-Verify`. */
    readonly name: string;
    /** The secret value (32 to 128 letters and digits). */
    readonly value: pulumi.Input<string>;
}

/** What a service needs of a load balancer to attach to it: a {@link WebLoadBalancer}, or these outputs. */
export interface WebLoadBalancerRef {
    /** The listener services add their rules to (HTTPS with a certificate, else HTTP). */
    readonly listenerArn: pulumi.Input<string>;
    /** The load balancer's security group (admitted by each service on its port). */
    readonly securityGroupId: pulumi.Input<string>;
    /** `app/<name>/<id>`: with the target group's suffix, the ALBRequestCountPerTarget label. */
    readonly arnSuffix: pulumi.Input<string>;
    /** Public URL of the load balancer. */
    readonly url: pulumi.Input<string>;
    /** The header each service's listener rule must also match, when the load balancer requires one. */
    readonly originVerifyHeader?: OriginVerifyHeader;
}

/**
 * Listener ports the load balancer security group opens: 80 and 443 to the
 * internet (80 redirects), or only the port CloudFront uses when admitting
 * prefix lists.
 */
export function publicPorts(https: boolean, prefixLists = false): number[] {
    if (prefixLists) return [https ? 443 : 80];
    return https ? [80, 443] : [80];
}

/** The application URL: HTTPS on the domain (or ALB name) with a certificate, plain HTTP otherwise. */
export function applicationUrl(https: boolean, host: string): string {
    return `${https ? "https" : "http"}://${host}`;
}

/** The listeners' default action: anything no service's rule matches gets a 404. */
export const NOT_FOUND_ACTION = {
    type: "fixed-response",
    fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" },
} as const;

/** With an origin header: requests without it (not from CloudFront) get a 403. */
export const FORBIDDEN_ACTION = {
    type: "fixed-response",
    fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" },
} as const;

const HEADER_NAME = /^[A-Za-z0-9-]{1,40}$/;
const HEADER_SECRET = /^[A-Za-z0-9]{32,128}$/;

/** Defaults and validation of {@link WebLoadBalancerArgs}; throws one error naming every bad argument (or adds to `sink`). */
export function resolveWebLoadBalancerArgs(name: string, args: WebLoadBalancerArgs, sink?: ProblemSink) {
    return resolveOn(`WebLoadBalancer "${name}"`, sink, (p) => {
        const d = WEB_LOAD_BALANCER_DEFAULTS;
        componentName(p, name);
        requiredInput(p, "vpcId", args.vpcId, VPC_ID, "is not a VPC id such as vpc-0123456789abcdef0");
        subnetList(p, "subnetIds", args.subnetIds, 2);
        optionalInput(p, "certificateArn", args.certificateArn, CERTIFICATE_ARN, "is not an ACM certificate ARN");
        const sslPolicy = args.sslPolicy ?? d.sslPolicy;
        p.expect(
            typeof sslPolicy === "string" && /^ELBSecurityPolicy-TLS13-/.test(sslPolicy),
            "sslPolicy",
            sslPolicy,
            "is not a TLS 1.3 load balancer security policy: expected ELBSecurityPolicy-TLS13-*",
        );
        const domainName = args.domainName;
        if (domainName !== undefined)
            p.expect(isHostName(domainName), "domainName", domainName, "is not a valid DNS host name");
        const deletionProtection = bool(p, "deletionProtection", args.deletionProtection ?? d.deletionProtection);
        const accessLogs = bool(p, "accessLogs", args.accessLogs ?? d.accessLogs);
        if (args.accessLogsBucket !== undefined) {
            if (!accessLogs)
                p.add(`accessLogsBucket: is set but accessLogs is not true: expected accessLogs: true to use it`);
            if (isKnown(args.accessLogsBucket))
                p.expect(
                    S3_BUCKET.test(String(args.accessLogsBucket)),
                    "accessLogsBucket",
                    args.accessLogsBucket,
                    "is not an S3 bucket name",
                );
        }
        const accessLogsPrefix = args.accessLogsPrefix ?? d.accessLogsPrefix;
        p.expect(
            typeof accessLogsPrefix === "string" &&
                /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(accessLogsPrefix) &&
                !/AWSLogs/.test(accessLogsPrefix),
            "accessLogsPrefix",
            accessLogsPrefix,
            "is not an S3 key prefix without leading or trailing slash (and without AWSLogs)",
        );
        const accessLogsRetentionDays = int(
            p,
            "accessLogsRetentionDays",
            args.accessLogsRetentionDays ?? d.accessLogsRetentionDays,
            1,
            3650,
        );
        const idleTimeoutSeconds = int(
            p,
            "idleTimeoutSeconds",
            args.idleTimeoutSeconds ?? d.idleTimeoutSeconds,
            1,
            4000,
        );
        const forceDestroy = bool(p, "forceDestroy", args.forceDestroy ?? d.forceDestroy);
        const prefixLists = args.ingressPrefixListIds ?? [];
        if (!Array.isArray(prefixLists)) p.add("ingressPrefixListIds: is not a list of prefix list ids");
        else
            prefixLists.forEach((id, i) => {
                if (isKnown(id))
                    p.expect(
                        typeof id === "string" && /^pl-[0-9a-f]{8,17}$/.test(id),
                        `ingressPrefixListIds[${i}]`,
                        id,
                        "is not a prefix list id (pl-...)",
                    );
            });
        const header = args.originVerifyHeader;
        if (header !== undefined) {
            p.expect(
                typeof header.name === "string" && HEADER_NAME.test(header.name),
                "originVerifyHeader.name",
                header.name,
                "is not a header name (letters, digits, hyphens; at most 40)",
            );
            // The value is secret: the message never shows it.
            if (isKnown(header.value) && !(typeof header.value === "string" && HEADER_SECRET.test(header.value)))
                p.add("originVerifyHeader.value: (hidden) is not 32 to 128 letters and digits");
        }
        return {
            prefixLists: Array.isArray(prefixLists) && prefixLists.length > 0,
            https: args.certificateArn !== undefined,
            sslPolicy,
            domainName,
            deletionProtection,
            accessLogs,
            accessLogsPrefix,
            accessLogsRetentionDays,
            idleTimeoutSeconds,
            forceDestroy,
        };
    });
}

/** An internet-facing ALB shared by services. See docs/components/WebLoadBalancer.md. */
export class WebLoadBalancer extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:WebLoadBalancer";

    /** Load balancer ARN (for WAF). */
    public readonly loadBalancerArn: pulumi.Output<string>;
    /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension. */
    public readonly arnSuffix: pulumi.Output<string>;
    /** DNS name of the load balancer. */
    public readonly dnsName: pulumi.Output<string>;
    /** Hosted zone of the load balancer, for Route 53 alias records. */
    public readonly zoneId: pulumi.Output<string>;
    /** The listener services add rules to: HTTPS with a certificate, else HTTP. */
    public readonly listenerArn: pulumi.Output<string>;
    /** The HTTP listener on 80 (a redirect to HTTPS with a certificate). */
    public readonly httpListenerArn: pulumi.Output<string>;
    /** Security group of the load balancer. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Public URL (`http://` without a certificate; the domain when given). */
    public readonly url: pulumi.Output<string>;
    /** Bucket receiving the access logs; undefined without access logs. */
    public readonly accessLogsBucketName: pulumi.Output<string | undefined>;
    /** The header services' rules must match (value a secret); undefined without originVerifyHeader. */
    public readonly originVerifyHeader: OriginVerifyHeader | undefined;

    constructor(name: string, args: WebLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveWebLoadBalancerArgs(name, args);
        super(WebLoadBalancer.TYPE, name, {}, opts);
        const child = childOptions(this, opts);
        const tags = (n: string) => nameTags(n, args.tags);

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-alb-sg`,
            {
                vpcId: args.vpcId,
                description: s.prefixLists
                    ? `Load balancer of ${name}: from the admitted prefix lists (CloudFront)`
                    : `Load balancer of ${name}: HTTP/HTTPS from the internet`,
                tags: tags(`${name}-alb-sg`),
            },
            child,
        );
        const sources = s.prefixLists
            ? args.ingressPrefixListIds!.map((prefixListId) => ({ prefixListId, what: "the admitted prefix list" }))
            : [{ cidrIpv4: "0.0.0.0/0", what: "the internet" }];
        for (const port of publicPorts(s.https, s.prefixLists)) {
            sources.forEach(({ what, ...source }, i) => {
                // The first source keeps the rule's name (and URN) it had with 0.0.0.0/0.
                const ruleName = i === 0 ? `${name}-alb-in-${port}` : `${name}-alb-in-${port}-${i}`;
                new aws.vpc.SecurityGroupIngressRule(
                    ruleName,
                    {
                        securityGroupId: securityGroup.id,
                        description: `${port === 443 ? "HTTPS" : "HTTP"} from ${what}`,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        ...source,
                        tags: tags(ruleName),
                    },
                    child,
                );
            });
        }

        let bucketName: pulumi.Input<string> | undefined = args.accessLogsBucket;
        const lbDependsOn: pulumi.Resource[] = [];
        if (s.accessLogs && bucketName === undefined) {
            const created = createAccessLogsBucket(name, child, s, args.tags);
            bucketName = created.bucket.bucket;
            // ELB checks that it may write when access logs are switched on.
            lbDependsOn.push(created.policy);
        }

        const loadBalancer = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                ipAddressType: "ipv4",
                subnets: args.subnetIds,
                securityGroups: [securityGroup.id],
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                enableDeletionProtection: s.deletionProtection,
                idleTimeout: s.idleTimeoutSeconds,
                enableHttp2: true,
                accessLogs: s.accessLogs
                    ? { bucket: bucketName!, prefix: s.accessLogsPrefix, enabled: true }
                    : undefined,
                tags: tags(`${name}-alb`),
            },
            { ...child, dependsOn: lbDependsOn },
        );

        const mainDefault = args.originVerifyHeader ? FORBIDDEN_ACTION : NOT_FOUND_ACTION;
        const httpListener = new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: loadBalancer.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: s.https
                    ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
                    : [mainDefault],
                routingHttpResponseServerEnabled: false,
                tags: tags(`${name}-http`),
            },
            child,
        );
        const httpsListener = s.https
            ? new aws.lb.Listener(
                  `${name}-https`,
                  {
                      loadBalancerArn: loadBalancer.arn,
                      port: 443,
                      protocol: "HTTPS",
                      sslPolicy: s.sslPolicy,
                      certificateArn: args.certificateArn,
                      defaultActions: [mainDefault],
                      routingHttpResponseServerEnabled: false,
                      routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000",
                      tags: tags(`${name}-https`),
                  },
                  child,
              )
            : undefined;

        const host = s.domainName !== undefined ? pulumi.output(s.domainName) : loadBalancer.dnsName;
        this.loadBalancerArn = loadBalancer.arn;
        this.arnSuffix = loadBalancer.arnSuffix;
        this.dnsName = loadBalancer.dnsName;
        this.zoneId = loadBalancer.zoneId;
        // Services attach rules to the main listener; the HTTP one must exist too (it redirects there).
        this.listenerArn = httpsListener
            ? pulumi.all([httpsListener.arn, httpListener.arn]).apply(([arn]) => arn)
            : httpListener.arn;
        this.httpListenerArn = httpListener.arn;
        this.securityGroupId = securityGroup.id;
        this.url = host.apply((h) => applicationUrl(s.https, h));
        this.accessLogsBucketName = s.accessLogs ? pulumi.output(bucketName!) : pulumi.output(undefined);
        this.originVerifyHeader = args.originVerifyHeader && {
            name: args.originVerifyHeader.name,
            value: pulumi.secret(args.originVerifyHeader.value),
        };
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            arnSuffix: this.arnSuffix,
            dnsName: this.dnsName,
            zoneId: this.zoneId,
            listenerArn: this.listenerArn,
            httpListenerArn: this.httpListenerArn,
            securityGroupId: this.securityGroupId,
            url: this.url,
            accessLogsBucketName: this.accessLogsBucketName,
        });
    }
}
