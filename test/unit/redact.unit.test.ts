import { describe, expect, it } from "vitest";
import { redactPii, redactPiiCounting } from "../../src/domain/redact.ts";

describe("redactPii: e-mail addresses", () => {
  it.each([
    ["alice@example.com", "[email]"],
    ["Mail alice.smith@hounslow.gov.uk today", "Mail [email] today"],
    ["o'neill@council.gov.uk", "[email]"],
    ["first+tag@sub.example.co.uk.", "[email]."],
    ["(bob_99@example.org)", "([email])"],
    ["mailto:carol@example.com", "mailto:[email]"],
    ["<mailto:a@b.uk|a@b.uk>", "<mailto:[email]|[email]>"],
    ["ANNA@EXAMPLE.COM", "[email]"],
    ["josé@correo.españa.es", "[email]"],
    ["x@xn--80ak6aa92e.com", "[email]"],
    ["two: a@example.com, b@example.net", "two: [email], [email]"],
    ["user%name@example.com", "[email]"],
  ])("%s → %s", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([
    "@here and @channel",
    "Thanks @Alice",
    "user@localhost",
    "a@b",
    "name at example dot com",
    "email@",
    "@example.com",
    "version 1.2.3@beta",
  ])("leaves %s alone", (input) => {
    expect(redactPii(input)).toBe(input);
  });
});

describe("redactPii: UK phone numbers", () => {
  it.each([
    "020 7946 0000",
    "02079460000",
    "(020) 7946 0000",
    "0161 496 0000",
    "(0161) 496 0000",
    "01632 960 001",
    "01632 960001",
    "016977 3999",
    "0113 496 0000",
    "029 2018 0000",
    "07700 900123",
    "07700900123",
    "07700-900-123",
    "07700 900 123",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)7700 900123",
    "+44 (0)20 7946 0018",
    "+44 20 7946 0018",
    "+44-20-7946-0018",
    "0044 7700 900123",
    "0044 20 7946 0000",
    "0800 123 4567",
    "0800 123 456",
    "0808 157 0192",
    "0345 600 0000",
    "03000 200 301",
  ])("redacts %s", (input) => {
    expect(redactPii(`Call ${input} now`)).toBe("Call [phone] now");
  });

  it("redacts several numbers in one message, at the edges and on their own lines", () => {
    expect(redactPii("07700900123")).toBe("[phone]");
    expect(redactPii("020 7946 0000 or 07700 900123")).toBe("[phone] or [phone]");
    expect(redactPii("tel: 07700 900123, fax 020 7946 0001.")).toBe("tel: [phone], fax [phone].");
    expect(redactPii("Line one\n0161 496 0000\nline three")).toBe("Line one\n[phone]\nline three");
  });

  it.each([
    // dates and times
    "2026-03-27",
    "27/03/2026",
    "27.03.2026",
    "03/27/2026 10:30",
    "Friday 14:00 to 16:30",
    "2024-01-01T00:00:00Z",
    "2026-W13",
    // Slack timestamps and ids
    "1700000000.000100",
    "C0GENERAL1/1700000000.000100",
    "p1700000000000100",
    "U0ALICE001",
    "T0WEEK0001",
    // years and counts
    "2019 to 2026",
    "in 2026, 1,000 residents",
    "12345678901",
    "0123",
    "007",
    "01 02 2026",
    // money and numbers
    "£1,250,000.00",
    "£0.50",
    "€07",
    "0.0123456789",
    "3.14159265358979",
    "12.5%",
    "-07700900123",
    // codes that hold digits
    "INV-0207946000",
    "ref 07700900123456",
    "ISO 27001",
    "SW1A 1AA",
    "v0207946000",
    "https://example.com/pr/7?a=1&b=2",
    "sort code 20-00-00, account 12345678",
    "+1 212 555 0100",
    "+33 1 23 45 67 89",
    "011 49 6900",
    "06 12 34 56 78",
    "04 7946 0000 1",
  ])("leaves %s alone", (input) => {
    expect(redactPii(input)).toBe(input);
  });
});

describe("redactPii: National Insurance numbers", () => {
  it.each([
    "AB123456C",
    "AB 12 34 56 C",
    "JG 10 37 59 A",
    "ce123456d",
    "Her NI number is NZ 12 34 56 B.",
    "WX123456A",
    "ZY123456D",
    "TW 99 88 77 B",
  ])("redacts %s", (input) => {
    const out = redactPii(input);
    expect(out).toContain("[NI number]");
    expect(out).not.toMatch(/\d{2} ?\d{2} ?\d{2}/);
  });

  it.each([
    "QQ123456C",
    "QQ 12 34 56 C",
    "DA123456A",
    "FA123456A",
    "IA123456A",
    "UA123456A",
    "VA123456A",
    "AD123456A",
    "AO123456A",
    "AV123456A",
    "BG123456A",
    "GB123456A",
    "KN123456A",
    "NK123456A",
    "NT123456A",
    "TN123456A",
    "ZZ123456A",
    "AB123456E",
    "AB12345C",
    "AB1234567C",
    "XAB123456C",
    "AB123456CD",
    "AB-12-34-56-C",
    "SHA ab123456c7d",
    "PR12345678",
  ])("leaves %s alone", (input) => {
    expect(redactPii(input)).toBe(input);
  });
});

describe("redactPii: whole messages", () => {
  it("redacts every kind in one message and counts them", () => {
    const { text, counts } = redactPiiCounting(
      "Ring Sam on 07700 900123 or sam@example.gov.uk (NI AB 12 34 56 C) about ticket 2026-0417, budget £12,000.",
    );
    expect(text).toBe(
      "Ring Sam on [phone] or [email] (NI [NI number]) about ticket 2026-0417, budget £12,000.",
    );
    expect(counts).toEqual({ email: 1, phone: 1, niNumber: 1 });
  });

  it("takes an address before any digits inside it", () => {
    expect(redactPii("07700900123@sms.example.com")).toBe("[email]");
  });

  it("is idempotent and leaves text without personal details unchanged", () => {
    const once = redactPii("a@b.com 020 7946 0000 AB123456C");
    expect(redactPii(once)).toBe(once);
    const plain = "We shipped bins go digital 🎉 on 27/03/2026 at 14:00 (ts 1700000000.000100).";
    expect(redactPii(plain)).toBe(plain);
  });
});
