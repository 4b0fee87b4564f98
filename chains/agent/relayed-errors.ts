/**
 * A model may paste a failed lookup's result into its reply as it got it
 * (`{"error": "Jira is not answering…", "code": "upstream_unavailable"}`, the shape tool-errors.ts
 * and runTool give the model). The person gets the sentence, never the JSON or the code.
 */
const errorObject = /\{\s*"error"\s*:\s*"((?:[^"\\]|\\.)*)"(?:\s*,\s*"code"\s*:\s*"[\w.-]*")?\s*\}/g;

export function withoutRawErrors(text: string): string {
  return text.replace(errorObject, (whole, sentence: string) => {
    try {
      return JSON.parse(`"${sentence}"`) as string;
    } catch {
      return whole.replace(/[{}"]/g, "");
    }
  });
}
