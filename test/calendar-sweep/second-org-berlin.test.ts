import { sweepOrgs } from "../support/sweep.ts";
import { defineCalendarSweep } from "../support/sweep-suite.ts";

defineCalendarSweep(sweepOrgs[2]!);
