/**
 * The system end to end in a real browser: `npm run local`'s parts
 * (embedded PostgreSQL, s3rver with the resize handler on its events, the
 * API, the built frontend served with the distribution's headers) started
 * in-process by startLocal, and headless Chromium using the page as a person
 * would: sign in at the local OpenID provider (code + PKCE), create the
 * user's record, upload a real JPEG, see the three renditions; an anonymous
 * call to the API is refused; sign out (the provider's session ends, the
 * refresh token is revoked) and sign in again with credentials.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { startLocal, type LocalSystem } from "../../scripts/local";
import { launch, screenshot } from "./browser";

/** A 1600×1200 photo-like JPEG (gradients and noise, so it compresses like a photo). */
async function makeJpeg(file: string): Promise<void> {
    const width = 1600;
    const height = 1200;
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 3;
            const noise = (x * 7919 + y * 104729) % 23;
            pixels[i] = (x * 255) / width + noise;
            pixels[i + 1] = (y * 255) / height;
            pixels[i + 2] = 128 + noise * 3;
        }
    }
    await sharp(pixels, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: 85 })
        .toFile(file);
}

describe("the web app in headless Chromium against the local system", function () {
    let system: LocalSystem;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-site-"));
    const jpeg = path.join(work, "mountain view.jpg");
    const logs: string[] = [];
    const email = `ada.${Date.now()}@example.com`;

    before(async function () {
        this.timeout(300_000);
        await makeJpeg(jpeg);
        system = await startLocal({ port: 0, build: true, log: (line) => logs.push(line) });
        browser = await launch();
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        page.on("console", (m) => {
            if (m.type() === "error") problems.push(`console: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        // (Browser code as a string: this project's TypeScript has no DOM library.)
        await page.addInitScript(
            'document.addEventListener("securitypolicyviolation", (e) => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));',
        );
    });

    afterEach(async function () {
        if (this.currentTest?.state === "failed" && page) {
            const file = await screenshot(page, this.currentTest.fullTitle());
            console.log(`    screenshot: ${file}`);
            console.log(
                logs
                    .slice(-30)
                    .map((l) => `    | ${l}`)
                    .join("\n"),
            );
        }
    });

    after(async () => {
        await browser?.close();
        await system?.stop();
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("serves the app with the distribution's security headers", async () => {
        const response = await page.goto(system.url);
        expect(response?.status()).to.equal(200);
        const headers = response!.headers();
        expect(headers["content-security-policy"]).to.include("script-src 'self'");
        expect(headers["x-frame-options"]).to.equal("DENY");
        expect(headers["x-content-type-options"]).to.equal("nosniff");
        await page.getByRole("heading", { name: "Users" }).waitFor();
    });

    it("refuses an anonymous call to the API, and offers to sign in", async () => {
        const anonymous = await fetch(`${system.url}api/users`);
        expect(anonymous.status).to.equal(401);
        expect(anonymous.headers.get("www-authenticate")).to.match(/^Bearer/);
        expect(((await anonymous.json()) as { error: string }).error).to.equal("unauthorized");
        await page.getByRole("button", { name: "Sign in" }).waitFor();
    });

    it("signs in at the OpenID provider with the code flow and PKCE, and comes back signed in", async () => {
        const authorize: string[] = [];
        page.on("request", (r) => {
            if (r.url().startsWith(system.issuerUrl) && new URL(r.url()).pathname === "/auth") authorize.push(r.url());
        });
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Sign in" }).waitFor();
        expect(page.url().startsWith(system.issuerUrl), page.url()).to.equal(true);
        await page.getByLabel("Email").fill(email);
        await page.getByLabel("Password").fill("correct horse battery");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.locator("#auth-status", { hasText: `Signed in as ${email}.` }).waitFor({ timeout: 30_000 });
        expect(page.url(), "the code is gone from the address bar").to.equal(system.url);
        const q = new URL(authorize[0]).searchParams;
        expect(q.get("response_type")).to.equal("code");
        expect(q.get("code_challenge_method")).to.equal("S256");
        expect(q.get("code_challenge")).to.match(/^[A-Za-z0-9_-]{43}$/);
    });

    it("creates the user's record through the form and lists it", async () => {
        await page.getByLabel("Name").fill("Ada Lovelace");
        await page.getByLabel("Email").fill(email);
        await page.getByRole("button", { name: "Create user" }).click();
        await page.getByRole("status").filter({ hasText: "Created Ada Lovelace." }).waitFor({ timeout: 15_000 });
        const row = page.locator("#users tbody tr", { hasText: email });
        await row.waitFor();
        expect(await row.locator("td").first().textContent()).to.equal("Ada Lovelace");
        // A reload lists it again: it was stored by the API, not only drawn by the page.
        await page.reload();
        await page.locator("#users tbody tr", { hasText: email }).waitFor();
    });

    it("uploads a real JPEG and shows its three renditions as images", async () => {
        await page.getByRole("button", { name: /^Image \(JPEG/ }).setInputFiles(jpeg);
        await page.getByRole("button", { name: "Upload" }).click();
        const figures = page.locator("#renditions figure");
        await page
            .locator("#upload-status", { hasText: "renditions of mountain view.jpg are ready" })
            .waitFor({ timeout: 90_000 });
        expect(await figures.count()).to.equal(3);
        const images = await page.$$eval("#renditions img", (imgs: any[]) =>
            Promise.all(
                imgs.map(async (img) => {
                    img.loading = "eager";
                    await img.decode();
                    return { src: img.getAttribute("src"), naturalWidth: img.naturalWidth, alt: img.alt };
                }),
            ),
        );
        expect(images).to.have.length(3);
        for (const image of images) {
            expect(image.naturalWidth, `${image.src} decoded`).to.be.greaterThan(0);
            expect(image.src, "served through the site's /media behaviour").to.match(/^\/media\/renders\//);
        }
        const widths = images.map((i) => i.naturalWidth).sort((a, b) => a - b);
        expect(widths).to.deep.equal([150, 640, 1280]);
    });

    it("signs out at the provider: the tab forgets its tokens, the old refresh token and the page's calls are refused", async () => {
        const tokens = JSON.parse(String(await page.evaluate('sessionStorage.getItem("auth.tokens")'))) as {
            refreshToken?: string;
        };
        expect(tokens.refreshToken, "signed in with a refresh token").to.be.a("string");
        const atProvider: string[] = [];
        const onRequest = (r: { url(): string; method(): string }) => {
            const u = new URL(r.url());
            if (u.origin === system.issuerUrl) atProvider.push(`${r.method()} ${u.pathname}`);
        };
        page.on("request", onRequest);
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL(system.url, { timeout: 30_000 });
        await page.getByRole("button", { name: "Sign in" }).waitFor();
        page.off("request", onRequest);
        // Revocation, then RP-initiated logout confirmed at once, then back to the site (which reads discovery again).
        expect(atProvider).to.deep.equal([
            "POST /token/revocation",
            "GET /session/end",
            "POST /session/end/confirm",
            "GET /.well-known/openid-configuration",
        ]);
        expect(await page.evaluate('sessionStorage.getItem("auth.tokens")')).to.equal(null);
        const refresh = await fetch(`${system.issuerUrl}/token`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "refresh_token",
                client_id: "local-web",
                refresh_token: tokens.refreshToken!,
            }).toString(),
        });
        expect(refresh.status, "the old refresh token").to.equal(400);
        expect(((await refresh.json()) as { error: string }).error).to.equal("invalid_grant");
        // The page holds no token any more: its own call to the API is refused (Chromium logs that
        // deliberate 401 as a console error, which is not one of the page's problems).
        const logged = problems.length;
        expect(await page.evaluate('fetch("/api/users").then((r) => r.status)')).to.equal(401);
        await page.waitForTimeout(0);
        const refused = problems.splice(logged).filter((p) => !/status of 401 \(Unauthorized\)/.test(p));
        problems.push(...refused);
        await page.locator("#auth-status", { hasText: "Sign in to manage your user record" }).waitFor();
    });

    it("asks for credentials again on the next sign-in: the provider's session is gone", async () => {
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 30_000 });
        expect(page.url().startsWith(system.issuerUrl), page.url()).to.equal(true);
        await page.getByLabel("Email").fill(email);
        await page.getByLabel("Password").fill("correct horse battery");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.locator("#auth-status", { hasText: `Signed in as ${email}.` }).waitFor({ timeout: 30_000 });
        await page.locator("#users tbody tr", { hasText: email }).waitFor();
    });

    it("ran without console errors or CSP violations", () => {
        expect(problems).to.deep.equal([]);
    });
});
