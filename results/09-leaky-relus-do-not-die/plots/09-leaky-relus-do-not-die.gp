# actbench figure "Claim 9: Leaky ReLU, PReLU and ELU do not die": 1 panel
#   panel 1: "dead units at the end of training"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/09-leaky-relus-do-not-die.gp
# (writes plots/09-leaky-relus-do-not-die.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/09-leaky-relus-do-not-die.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "relu"
$d1 << EOD
0.01 12.1527778 10.9375 12.7604167
0.1 6.33680556 5.46875 7.03125
0.3 11.8055556 8.59375 13.8020833
1 71.0069444 68.2291667 73.4375
EOD
# panel 1, "leaky_relu"
$d2 << EOD
0.01 0 0 0
0.1 0 0 0
0.3 0 0 0
1 0 NaN NaN
EOD
# panel 1, "prelu"
$d3 << EOD
0.01 0 0 0
0.1 0 0 0
EOD
# panel 1, "elu"
$d4 << EOD
0.01 0 0 0
0.1 0 0 0
0.3 0 NaN NaN
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
set output 'plots/09-leaky-relus-do-not-die.'.ext
set multiplot layout 1,1 title "Claim 9: Leaky ReLU, PReLU and ELU do not die" noenhanced font ",12"

# ---- panel 1: "dead units at the end of training"
set title "dead units at the end of training" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.01, 0.1, 0.3, 1)
set logscale x
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
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "prelu" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "elu" noenhanced

unset multiplot
unset output
}
