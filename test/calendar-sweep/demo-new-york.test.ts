import { defineCalendarSweep } from "../support/sweep-suite.ts";
import { sweepOrgs } from "../support/sweep.ts";

defineCalendarSweep(sweepOrgs[1]!, { questionsEvery: 2 });
