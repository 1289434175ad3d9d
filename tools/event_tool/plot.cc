// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "event_data.h"
#include "subcommands.h"
#include "summary/summary_tables.h"

namespace tfcompat::event_tool {
namespace {

// Chart geometry, in SVG user units.
constexpr double kWidth = 800, kHeight = 450;
constexpr double kLeft = 80, kRight = 180, kTop = 40, kBottom = 50;
constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// An SVG coordinate or axis label: 6 significant digits are plenty.
std::string SvgNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value);
  return text;
}

struct Series {
  std::string run;
  std::vector<ScalarPoint> points;  // Finite values only.
};

std::string RenderSvg(const std::string& tag, const std::vector<Series>& series) {
  double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
  for (const Series& s : series) {
    for (const ScalarPoint& p : s.points) {
      min_x = std::min(min_x, static_cast<double>(p.step));
      max_x = std::max(max_x, static_cast<double>(p.step));
      min_y = std::min(min_y, p.value);
      max_y = std::max(max_y, p.value);
    }
  }
  if (max_x == min_x) max_x = min_x + 1;
  if (max_y == min_y) max_y = min_y + 1;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto sx = [&](double x) { return kLeft + (x - min_x) / (max_x - min_x) * plot_w; };
  const auto sy = [&](double y) { return kTop + (max_y - y) / (max_y - min_y) * plot_h; };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"24\" font-size=\"16\">" << XmlEscape(tag) << "</text>\n"
      << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << plot_w << "\" height=\"" << plot_h
      << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double y = min_y + (max_y - min_y) * i / 4, x = min_x + (max_x - min_x) * i / 4;
    svg << "<text x=\"" << kLeft - 6 << "\" y=\"" << SvgNumber(sy(y) + 4) << "\" text-anchor=\"end\">" << SvgNumber(y)
        << "</text>\n<text x=\"" << SvgNumber(sx(x)) << "\" y=\"" << kHeight - kBottom + 18
        << "\" text-anchor=\"middle\">" << SvgNumber(x) << "</text>\n";
  }
  svg << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - 10 << "\" text-anchor=\"middle\">step</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const char* color = kColors[i % std::size(kColors)];
    svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\" points=\"";
    for (const ScalarPoint& p : series[i].points)
      svg << SvgNumber(sx(static_cast<double>(p.step))) << ',' << SvgNumber(sy(p.value)) << ' ';
    svg << "\"/>\n<text x=\"" << kWidth - kRight + 10 << "\" y=\"" << kTop + 16 * (i + 1) << "\" fill=\"" << color
        << "\">" << XmlEscape(series[i].run) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace

void SetupPlot(CLI::App& app, Action* action) {
  auto options = std::make_shared<PlotOptions>();
  CLI::App* sub = app.add_subcommand("plot", "An SVG line chart of a scalar across runs");
  sub->add_option("LOGDIR", options->logdir, "Directory of runs")->required();
  sub->add_option("--tag", options->tag, "The scalar tag to plot")->required();
  sub->add_option("-o,--output", options->output, "The SVG file to write")->required();
  AddPurgeOrphanedDataOption(*sub, options->purge_orphaned_data);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunPlot(*options, out, err); };
  });
}

int RunPlot(const PlotOptions& options, std::ostream& out, std::ostream& err) {
  auto runs = FindRuns(options.logdir);
  if (!runs.ok()) return cli::ReportError(kTool, runs.status(), err);
  std::vector<Series> series;
  for (const std::string& run : *runs) {
    auto data = LoadRun(options.logdir, run, options.purge_orphaned_data);
    if (!data.ok()) return cli::ReportError(kTool, data.status(), err);
    auto it = data->scalars.find(options.tag);
    if (it == data->scalars.end()) continue;
    Series s{run, {}};
    for (const ScalarPoint& p : it->second) {
      if (std::isfinite(p.value)) s.points.push_back(p);
    }
    std::stable_sort(s.points.begin(), s.points.end(),
                     [](const ScalarPoint& a, const ScalarPoint& b) { return a.step < b.step; });
    if (!s.points.empty()) series.push_back(std::move(s));
  }
  if (series.empty()) {
    return cli::ReportError(
        kTool, NotFoundError("no run in " + options.logdir + " has scalar tag '" + options.tag + "'"), err);
  }
  std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
  file << RenderSvg(options.tag, series);
  file.close();
  if (!file) return cli::ReportError(kTool, UnknownError(options.output + ": cannot write"), err);
  out << "wrote " << options.output << " (" << series.size() << " run" << (series.size() == 1 ? "" : "s") << ")\n";
  return cli::kExitOk;
}

}  // namespace tfcompat::event_tool
