/* Prometheus answers as the HTTP API writes them, and query templates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/prometheus.h"
#include "tap.h"

static int parse(const char *s, struct prom_result *r, struct err *err)
{
	return prom_parse(s, strlen(s), r, err);
}

int main(void)
{
	struct prom_result r;
	struct err err;
	char *q;

	tap_ok(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		     "{\"metric\":{\"deployment\":\"web\"},\"values\":[[1700000000,\"0.5\"],"
		     "[1700000001.5,\"NaN\"]]}]}}", &r, &err) == 0, "matrix");
	tap_is_int(r.nseries, 1, "one series");
	tap_is_int(r.series[0].n, 2, "two samples");
	tap_is_near(r.series[0].t[1], 1700000001.5, 1e-9, "time");
	tap_ok(isnan(r.series[0].v[1]), "NaN sample");
	tap_is_str(r.series[0].metric, "{\"deployment\":\"web\"}", "labels kept");
	prom_result_free(&r);

	tap_ok(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		     "{\"metric\":{},\"value\":[1700000000,\"0.25\"]},"
		     "{\"metric\":{\"a\":\"b\"},\"value\":[1700000000,\"+Inf\"]}]}}", &r, &err) == 0,
	       "vector");
	tap_is_int(r.nseries, 2, "two series");
	tap_is_near(r.series[0].v[0], 0.25, 0, "value");
	tap_ok(isinf(r.series[1].v[0]), "+Inf");
	prom_result_free(&r);

	tap_ok(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
		     "\"result\":[1700000000,\"3\"]}}", &r, &err) == 0, "scalar");
	tap_is_near(r.series[0].v[0], 3, 0, "scalar value");
	prom_result_free(&r);

	tap_ok(parse("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse "
		     "error: unexpected\"}", &r, &err) == -1, "error document");
	tap_is_str(err.msg, "bad_data: 1:5: parse error: unexpected", "error message kept");
	tap_ok(parse("<html>502 Bad Gateway</html>", &r, &err) == -1, "not JSON");
	tap_ok(strstr(err.msg, "not JSON") != NULL, "not JSON said");
	tap_ok(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		     "{\"values\":[[1,2]]}]}}", &r, &err) == -1, "sample value not a string");
	tap_ok(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\","
		     "\"result\":[]}}", &r, &err) == -1, "unknown result type");
	tap_ok(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		     "\"result\":[]}}", &r, &err) == 0 && r.nseries == 0, "empty vector");
	prom_result_free(&r);

	q = promql_expand("rate(x{namespace=\"{namespace}\",deployment=\"{deployment}\"}[{interval}])",
			  "default", "web\"-x", "30s");
	tap_is_str(q, "rate(x{namespace=\"default\",deployment=\"web\\\"-x\"}[30s])",
		   "template filled and escaped");
	free(q);
	return tap_done();
}
