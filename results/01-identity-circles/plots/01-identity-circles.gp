# actbench figure "Claim 1: Without a non-linearity, depth adds nothing": 1 panel
#   panel 1: ""
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/01-identity-circles.gp
# (writes plots/01-identity-circles.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/01-identity-circles.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "identity"
$d1 << EOD
1 0.547777778 0.5 0.576666667
3 0.555555556 0.496666667 0.64
6 0.557777778 0.51 0.63
EOD
# panel 1, "relu"
$d2 << EOD
1 0.994444444 0.993333333 0.996666667
3 0.988888889 0.986666667 0.993333333
6 0.983333333 0.963333333 0.996666667
EOD
# panel 1, "tanh"
$d3 << EOD
1 0.991111111 0.986666667 0.993333333
3 0.985555556 0.966666667 0.996666667
6 0.988888889 0.986666667 0.993333333
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 640,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 6.67in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 640,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/01-identity-circles.'.ext
set multiplot layout 1,1 title "Claim 1: Without a non-linearity, depth adds nothing" noenhanced font ",12"

# ---- panel 1: ""
set title "" noenhanced
set xlabel "depth (hidden layers)" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 4.90
set xtics 1
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "identity" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "tanh" noenhanced

unset multiplot
unset output
}
