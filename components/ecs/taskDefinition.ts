/**
 * Pure pieces of a task definition: the container definitions JSON, the task
 * family name, the auto scaling resource id.
 */

export interface ContainerSpec {
    readonly name: string;
    readonly image: string;
    readonly port: number;
    readonly environment: Readonly<Record<string, string>>;
    /** Variable name → Secrets Manager `valueFrom`. */
    readonly secrets: Readonly<Record<string, string>>;
    readonly logGroupName: string;
    readonly region: string;
    readonly healthCheckCommand: readonly string[];
    /** `uid[:gid]` (never root): set in the definition, not left to the image. */
    readonly user: string;
}

/** Name of the task-scoped writable volume mounted on /tmp (the root filesystem is read-only). */
export const TMP_VOLUME = "tmp";

/**
 * The container definitions JSON of the task: secrets only through
 * `secrets` (ECS resolves them at start; they never appear in the task
 * definition), read-only root filesystem with a writable /tmp, awslogs.
 */
export function containerDefinitions(c: ContainerSpec): string {
    const byName = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([
        {
            name: c.name,
            image: c.image,
            essential: true,
            user: c.user,
            portMappings: [
                { name: "http", containerPort: c.port, hostPort: c.port, protocol: "tcp", appProtocol: "http" },
            ],
            environment: byName(Object.entries(c.environment)).map(([name, value]) => ({ name, value })),
            secrets: byName(Object.entries(c.secrets)).map(([name, valueFrom]) => ({ name, valueFrom })),
            readonlyRootFilesystem: true,
            mountPoints: [{ sourceVolume: TMP_VOLUME, containerPath: "/tmp", readOnly: false }],
            privileged: false,
            linuxParameters: { initProcessEnabled: true },
            stopTimeout: 30,
            healthCheck: { command: [...c.healthCheckCommand], interval: 30, timeout: 5, retries: 3, startPeriod: 30 },
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": c.logGroupName,
                    "awslogs-region": c.region,
                    "awslogs-stream-prefix": c.name,
                    mode: "non-blocking",
                    "max-buffer-size": "4m",
                },
            },
        },
    ]);
}

/**
 * Task definition family: `<name>-<stack>`, with every character ECS refuses
 * in a family (anything but letters, digits, `-` and `_`; Pulumi stack names
 * may hold `.`) replaced by `-`, at most 255 characters.
 */
export function taskFamily(name: string, stack: string): string {
    return `${name}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

/** Application Auto Scaling resource id of an ECS service. */
export function serviceResourceId(clusterName: string, serviceName: string): string {
    return `service/${clusterName}/${serviceName}`;
}
