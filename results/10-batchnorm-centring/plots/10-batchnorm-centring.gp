# actbench figure "Claim 10: Batch normalisation mitigates non-zero-centred outputs": 2 panels
#   panel 1: "single-sign weight-gradient rows, at initialisation"
#   panel 2: "mean activation by layer, at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/10-batchnorm-centring.gp
# (writes plots/10-batchnorm-centring.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/10-batchnorm-centring.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "sigmoid, batchnorm=no"
$d1 << EOD
2 100 100 100
3 100 100 100
4 100 100 100
5 100 100 100
6 100 100 100
EOD
# panel 1, "sigmoid, batchnorm=yes"
$d2 << EOD
2 100 100 100
3 100 100 100
4 100 100 100
5 100 100 100
6 100 100 100
EOD
# panel 2, "sigmoid, batchnorm=no"
$d3 << EOD
1 0.500001529 0.4999879 0.500013989
2 0.50898327 0.495337513 0.516029365
3 0.503317414 0.495466139 0.512137165
4 0.497198042 0.476636402 0.510247522
5 0.5066019 0.504384876 0.508755309
6 0.498814996 0.483847833 0.515967757
EOD
# panel 2, "sigmoid, batchnorm=yes"
$d4 << EOD
1 0.500033737 0.499930203 0.500211145
2 0.499719957 0.499612718 0.499789758
3 0.499978199 0.499812243 0.500094489
4 0.49981392 0.499550976 0.499965421
5 0.500023548 0.499836126 0.500194436
6 0.499864978 0.4997341 0.500039051
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
set output 'plots/10-batchnorm-centring.'.ext
set multiplot layout 1,2 title "Claim 10: Batch normalisation mitigates non-zero-centred outputs" noenhanced font ",12"

# ---- panel 1: "single-sign weight-gradient rows, at initialisation"
set title "single-sign weight-gradient rows, at initialisation" noenhanced
set xlabel "layer (1 = next to the input)" noenhanced
set ylabel "single-sign gradient rows (%)" noenhanced
set grid
unset label
set bmargin 6.00
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
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid, batchnorm=no" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "sigmoid, batchnorm=yes (on sigmoid, batchnorm=no's line)" noenhanced

# ---- panel 2: "mean activation by layer, at initialisation"
set title "mean activation by layer, at initialisation" noenhanced
set xlabel "layer (1 = next to the input)" noenhanced
set ylabel "mean activation" noenhanced
set grid
unset label
set bmargin 6.00
set xtics 1
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [0.470531415:0.522134352]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid, batchnorm=no" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "sigmoid, batchnorm=yes" noenhanced

unset multiplot
unset output
}
