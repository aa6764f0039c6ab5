# actbench figure "Claim 5: Sigmoid outputs are not zero-centred: a unit's weight gradients share one sign": 2 panels
#   panel 1: "single-sign weight-gradient rows, at initialisation"
#   panel 2: "mean activation by layer, at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/05-zero-centred.gp
# (writes plots/05-zero-centred.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/05-zero-centred.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "sigmoid"
$d1 << EOD
2 100 100 100
3 100 100 100
4 100 100 100
5 100 100 100
6 100 100 100
EOD
# panel 1, "tanh"
$d2 << EOD
2 0 0 0
3 0 0 0
4 0 0 0
5 0 0 0
6 0 0 0
EOD
# panel 2, "sigmoid"
$d3 << EOD
1 0.500001529 0.4999879 0.500013989
2 0.50898327 0.495337513 0.516029365
3 0.503317414 0.495466139 0.512137165
4 0.497198042 0.476636402 0.510247522
5 0.5066019 0.504384876 0.508755309
6 0.498814996 0.483847833 0.515967757
EOD
# panel 2, "tanh"
$d4 << EOD
1 -1.50619281e-06 -0.000161874797 0.000115271348
2 8.83970845e-05 -0.000208648042 0.000565701407
3 0.000167876078 7.61202012e-05 0.000296786265
4 8.09726862e-05 -5.41301933e-05 0.00022181626
5 5.99196439e-05 -0.000116012807 0.00037637846
6 -3.97870811e-05 -8.67001515e-05 1.37847438e-05
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/05-zero-centred.'.ext
set multiplot layout 1,2 title "Claim 5: Sigmoid outputs are not zero-centred: a unit's weight gradients share one sign" noenhanced font ",12"

# ---- panel 1: "single-sign weight-gradient rows, at initialisation"
set title "single-sign weight-gradient rows, at initialisation" noenhanced
set xlabel "layer (1 = next to the input)" noenhanced
set ylabel "single-sign gradient rows (%)" noenhanced
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
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

# ---- panel 2: "mean activation by layer, at initialisation"
set title "mean activation by layer, at initialisation" noenhanced
set xlabel "layer (1 = next to the input)" noenhanced
set ylabel "mean activation" noenhanced
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
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

unset multiplot
unset output
}
