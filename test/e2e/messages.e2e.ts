/**
 * Issue 19 item 5 in a real browser: two people send and read messages
 * through the page against `npm run local`'s parts (started in-process by
 * startLocal: dynalite with the MessageTable's table and the real stream
 * consumer, the API, the built site).
 *
 * Sign-in: the API checks real access tokens (RS256, verified by
 * aws-jwt-verify against a JWKS on loopback, scripts/localSystem/tokenIssuer.ts).
 * The page's own sign-in flow is issue 18's; here each browser context
 * attaches its person's signed token to the page's /api requests at the
 * network layer, as a signed-in page sends it. Nothing in the API trusts an
 * unsigned identity.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startLocal, type LocalSystem } from "../../scripts/local";
import { startIssuer, type TestIssuer } from "../../scripts/localSystem/tokenIssuer";
import { launch, screenshot } from "./browser";

describe("messages in headless Chromium against the local system", function () {
    let system: LocalSystem;
    let issuer: TestIssuer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const pages: Record<string, Page> = {};
    const problems: string[] = [];
    const logs: string[] = [];
    const conversation = `e2e-${Date.now()}`;

    async function personPage(sub: string): Promise<Page> {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        contexts.push(context);
        const token = issuer.accessToken(sub);
        await context.route("**/api/**", (route) =>
            route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }),
        );
        const page = await context.newPage();
        page.on("console", (m) => {
            if (m.type() === "error") problems.push(`${sub} console: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`${sub} page error: ${e.message}`));
        await page.goto(system.url);
        await page.getByRole("heading", { name: "Messages" }).waitFor();
        return page;
    }

    /** Clicks "Show my conversations" until the conversation is listed with `text` (the consumer runs within ~1 s). */
    async function waitForSummary(page: Page, text: RegExp): Promise<void> {
        const item = page.locator(`#conversations li[data-conversation-id="${conversation}"]`);
        const deadline = Date.now() + 20_000;
        for (;;) {
            await page.getByRole("button", { name: "Show my conversations" }).click();
            await page.waitForTimeout(300);
            if ((await item.count()) > 0 && text.test((await item.textContent()) ?? "")) return;
            if (Date.now() > deadline) throw new Error(`no summary matching ${text}: ${await item.textContent()}`);
            await page.waitForTimeout(500);
        }
    }

    before(async function () {
        this.timeout(300_000);
        issuer = await startIssuer();
        system = await startLocal({ port: 0, build: true, apiEnv: issuer.env, log: (line) => logs.push(line) });
        browser = await launch();
        pages.alice = await personPage("alice");
        pages.bob = await personPage("bob");
    });

    afterEach(async function () {
        if (this.currentTest?.state === "failed") {
            for (const [who, page] of Object.entries(pages)) {
                console.log(`    screenshot: ${await screenshot(page, `${this.currentTest.fullTitle()} ${who}`)}`);
            }
            console.log(
                logs
                    .slice(-30)
                    .map((l) => `    | ${l}`)
                    .join("\n"),
            );
        }
    });

    after(async () => {
        for (const c of contexts) await c.close();
        await browser?.close();
        await system?.stop();
        await issuer?.close();
    });

    it("alice starts a conversation with bob through the form and sees her message", async () => {
        const page = pages.alice;
        await page.getByLabel("Conversation", { exact: true }).fill(conversation);
        await page.getByLabel("To (user ids").fill("bob");
        await page.getByLabel("Message", { exact: true }).fill("Hello Bob, lunch at noon?");
        await page.getByRole("button", { name: "Send" }).click();
        await page.locator("#message-status", { hasText: `Sent to ${conversation}.` }).waitFor({ timeout: 15_000 });
        const shown = page.locator("#messages li");
        await shown.first().waitFor();
        expect(await shown.count()).to.equal(1);
        expect(await shown.first().locator(".sender").textContent()).to.equal("alice");
        expect(await shown.first().locator("p").textContent()).to.equal("Hello Bob, lunch at noon?");
    });

    it("bob finds it among his conversations with one unread, reads it and replies", async () => {
        const page = pages.bob;
        await waitForSummary(page, /1 unread/);
        await page.locator(`#conversations li[data-conversation-id="${conversation}"] button`).click();
        await page.locator("#messages li p", { hasText: "Hello Bob, lunch at noon?" }).waitFor();
        // Opening the conversation marks it read.
        await waitForSummary(page, /^(?!.*unread)/);
        await page.getByLabel("Message", { exact: true }).fill("Yes! See you there.");
        await page.getByRole("button", { name: "Send" }).click();
        await page.locator("#message-status", { hasText: `Sent to ${conversation}.` }).waitFor({ timeout: 15_000 });
        // "Sent" comes with the API's answer; the list is redrawn after it.
        await page.locator("#messages li p", { hasText: "Yes! See you there." }).waitFor();
        expect(await page.locator("#messages li p").allTextContents()).to.deep.equal([
            "Hello Bob, lunch at noon?",
            "Yes! See you there.",
        ]);
    });

    it("alice reads the reply in order after a reload (stored in DynamoDB, not only drawn)", async () => {
        const page = pages.alice;
        await page.reload();
        await waitForSummary(page, /bob: Yes! See you there\..*1 unread/);
        await page.locator(`#conversations li[data-conversation-id="${conversation}"] button`).click();
        await page.locator("#messages li p", { hasText: "Yes! See you there." }).waitFor();
        expect(await page.locator("#messages li .sender").allTextContents()).to.deep.equal(["alice", "bob"]);
    });

    it("a person outside the conversation cannot read it", async () => {
        const res = await fetch(`${system.apiUrl}/api/conversations/${conversation}/messages`, {
            headers: { authorization: `Bearer ${issuer.accessToken("mallory")}` },
        });
        expect(res.status).to.equal(404);
        const anonymous = await fetch(`${system.apiUrl}/api/conversations/${conversation}/messages`);
        expect(anonymous.status).to.equal(401);
    });

    it("ran without console errors or CSP violations", () => {
        expect(problems).to.deep.equal([]);
    });
});
